; ERROR-AT: 4
; call of a function that is neither defined nor declared
define void @f() {
  call void @helper()
  ret void
}
