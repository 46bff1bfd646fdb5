; ERROR-AT: 7
; a function defined twice
define void @f() {
  ret void
}

define void @f() {
  ret void
}
