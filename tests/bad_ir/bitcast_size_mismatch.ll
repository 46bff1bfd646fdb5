; ERROR-AT: 4
; bitcast between types of different sizes
define i64 @f(i32 %a) {
  %1 = bitcast i32 %a to i64
  ret i64 %1
}
