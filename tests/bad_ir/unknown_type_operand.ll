; ERROR-AT: 5
; an instruction operand of an unknown type
define i32 @f(i32 %a, i32 %b) {
entry:
  %r = add int32 %a, %b
  ret i32 %r
}
