; ERROR-AT: 4
; atomic load without a memory ordering
define i32 @f(ptr %p) {
  %v = load atomic i32, ptr %p, align 4
  ret i32 %v
}
