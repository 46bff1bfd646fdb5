; ERROR-AT: 6
; an instruction after the function's closing brace
define i32 @f(i32 %a) {
  ret i32 %a
}
  ret i32 0
