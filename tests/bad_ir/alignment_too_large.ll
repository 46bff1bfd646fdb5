; ERROR-AT: 4
; alignment beyond LLVM's maximum (2^32)
define void @f() {
  %a = alloca i32, align 8589934592
  ret void
}
