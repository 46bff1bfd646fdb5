; ERROR-AT: 6
; a local name with a character the lexer does not accept
define i32 @f(i32 %a, i32 %b) {
entry:
  %r = add i32 %a, %b
  ret i32 %~x
}
