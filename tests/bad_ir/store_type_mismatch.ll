; ERROR-AT: 4
; store of a double value with an i32 type
define void @f(double %d, ptr %p) {
  store i32 %d, ptr %p, align 4
  ret void
}
