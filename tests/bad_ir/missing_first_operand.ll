; ERROR-AT: 5
; binary operator with its first operand missing
define i32 @f(i32 %a, i32 %b) {
entry:
  %r = add i32 , %b
  ret i32 %r
}
