; ERROR-AT: 3
; function definition without a return type
define @f(i32 %a) {
  ret i32 %a
}
