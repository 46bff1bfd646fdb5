; ERROR-AT: 5
; icmp with a C-style predicate
define i32 @f(i32 %a, i32 %b) {
entry:
  %c = icmp lt i32 %a, %b
  %r = zext i1 %c to i32
  ret i32 %r
}
