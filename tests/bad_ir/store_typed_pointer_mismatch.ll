; ERROR-AT: 5
; store whose value type is not the typed pointer's pointee
; LLVM <= 16 rejects it here; 17+ read every typed pointer as ptr and accept it
define void @f(i64 %v, i32* %p) {
  store i64 %v, i32* %p, align 4
  ret void
}
