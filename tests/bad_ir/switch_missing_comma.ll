; ERROR-AT: 5
; switch case without the comma before its label
define i32 @f(i32 %a, i32 %b) {
entry:
  switch i32 %a, label %d [ i32 0 label %z ]
z:
  ret i32 0
d:
  ret i32 1
}
