; ERROR-AT: 4
; use of a named struct type that is never defined
define void @f(ptr %p) {
  %x = load %struct.point, ptr %p, align 4
  ret void
}
