; ERROR-AT: 3
; function parameter of type void
define void @f(void %x) {
  ret void
}
