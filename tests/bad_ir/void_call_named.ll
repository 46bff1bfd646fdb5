; ERROR-AT: 6
; a void call given a name
declare void @g()

define void @f() {
  %x = call void @g()
  ret void
}
