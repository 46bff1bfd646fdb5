; ERROR-AT: 6
; branch to a block that does not exist
define i32 @f(i32 %a, i32 %b) {
entry:
  %c = icmp slt i32 %a, %b
  br i1 %c, label %then, label %exit
then:
  ret i32 %a
}
