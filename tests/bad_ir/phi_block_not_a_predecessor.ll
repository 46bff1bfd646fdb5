; ERROR-AT: 11
; the phi names %b, which does not branch to %j, and leaves out %c, which does
define i32 @f(i1 %c, i32 %x) {
entry:
  br i1 %c, label %b, label %c2
b:
  ret i32 0
c2:
  br label %j
j:
  %p = phi i32 [ %x, %b ]
  ret i32 %p
}
