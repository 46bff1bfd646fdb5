; ERROR-AT: 6
; the last block has no terminator before '}'
define i32 @f(i32 %a, i32 %b) {
entry:
  %r = add i32 %a, %b
}
