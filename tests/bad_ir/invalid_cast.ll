; ERROR-AT: 4
; zext to a narrower type
define i32 @f(i64 %a) {
  %1 = zext i64 %a to i32
  ret i32 %1
}
