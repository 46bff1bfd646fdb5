; ERROR-AT: 6
; a local value defined twice
define i32 @f(i32 %a, i32 %b) {
entry:
  %x = add i32 %a, %b
  %x = mul i32 %a, %b
  ret i32 %x
}
