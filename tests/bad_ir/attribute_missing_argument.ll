; ERROR-AT: 3
; a parameter attribute without its required argument
define void @f(ptr dereferenceable %p) {
  ret void
}
