; ERROR-AT: 4
; operand whose defined type differs from the instruction's
define i32 @f(i32 %a, i64 %b) {
  %1 = add i32 %a, %b
  ret i32 %1
}
