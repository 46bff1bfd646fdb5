; ERROR-AT: 4
; block label without its ':'
define void @f() {
entry
  ret void
}
