; ERROR-AT: 5
; ret of a constant without its type
define i32 @f(i32 %a, i32 %b) {
entry:
  ret 0
}
