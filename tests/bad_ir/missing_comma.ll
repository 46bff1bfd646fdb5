; ERROR-AT: 5
; two operands without the comma between them
define i32 @f(i32 %a, i32 %b) {
entry:
  %r = mul i32 %a %b
  ret i32 %r
}
