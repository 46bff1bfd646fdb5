; ERROR-AT: 5
; unnamed values numbered out of order after hand editing
define i32 @f(i32 %0) {
  %2 = add i32 %0, 1
  %1 = mul i32 %2, 2
  ret i32 %1
}
