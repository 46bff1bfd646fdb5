; ERROR-AT: 5
; load whose explicit type is not the typed pointer's pointee
; LLVM <= 16 rejects it here; 17+ read every typed pointer as ptr and accept it
define i32 @f(i64* %p) {
  %v = load i32, i64* %p, align 4
  ret i32 %v
}
