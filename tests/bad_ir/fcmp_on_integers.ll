; ERROR-AT: 5
; fcmp on integer operands
define i32 @f(i32 %a, i32 %b) {
entry:
  %c = fcmp olt i32 %a, %b
  %r = zext i1 %c to i32
  ret i32 %r
}
