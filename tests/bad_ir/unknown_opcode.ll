; ERROR-AT: 5
; misspelt instruction opcode
define i32 @f(i32 %a, i32 %b) {
entry:
  %r = addd i32 %a, %b
  ret i32 %r
}
