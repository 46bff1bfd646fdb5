; ERROR-AT: 6
; a second '}' after a function
define void @f() {
  ret void
}
}

define void @g() {
  ret void
}
