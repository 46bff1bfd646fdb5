; ERROR-AT: 5
; floating-point literal as an integer operand
define i32 @f(i32 %a, i32 %b) {
entry:
  %r = add i32 %a, 1.5
  ret i32 %r
}
