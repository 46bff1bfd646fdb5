; ERROR-AT: 3
; typed pointer to void (C habit)
define void @f(void* %p) {
  ret void
}
