; ERROR-AT: 11
; phi with one incoming pair in a block that has two predecessors
; found by LLVM's verifier (no line); a careful tool reports it at the phi
define i32 @f(i32 %a, i32 %b) {
entry:
  %c = icmp slt i32 %a, %b
  br i1 %c, label %l, label %j
l:
  br label %j
j:
  %p = phi i32 [ %a, %entry ]
  ret i32 %p
}
