; ERROR-AT: 7
; call whose argument list has no '('
declare i32 @g(i32)

define i32 @f(i32 %a, i32 %b) {
entry:
  %r = call i32 @g i32 %a)
  ret i32 %r
}
