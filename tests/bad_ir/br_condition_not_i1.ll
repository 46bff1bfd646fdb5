; ERROR-AT: 5
; conditional branch on an i32
define i32 @f(i32 %a, i32 %b) {
entry:
  br i32 %a, label %x, label %y
x:
  ret i32 0
y:
  ret i32 1
}
