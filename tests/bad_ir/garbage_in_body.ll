; ERROR-AT: 6
; stray characters inside a function body
define i32 @f(i32 %a, i32 %b) {
entry:
  %r = add i32 %a, %b
  `%s = mul i32 %r, 2
  ret i32 %r
}
