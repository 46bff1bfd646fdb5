; ERROR-AT: 10
; the last function has no closing '}' before the end of the file
define void @g() {
entry:
  ret void
}

define i32 @f(i32 %a) {
entry:
  ret i32 %a