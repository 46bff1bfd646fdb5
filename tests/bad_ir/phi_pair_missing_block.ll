; ERROR-AT: 7
; phi incoming pair without its block
define i32 @f(i32 %a, i32 %b) {
entry:
  br label %j
j:
  %p = phi i32 [ %a, %entry ], [ %b ]
  ret i32 %p
}
