; ERROR-AT: 3
; a declaration followed by a body
declare void @f() {
  ret void
}
