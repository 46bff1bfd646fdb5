; ERROR-AT: 5
; null used as an integer
define i32 @f(i32 %a, i32 %b) {
entry:
  %r = add i32 %a, null
  ret i32 %r
}
