; ERROR-AT: 4
; load of a global that is never defined
define i32 @f() {
  %v = load i32, ptr @counter, align 4
  ret i32 %v
}
