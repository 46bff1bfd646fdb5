; ERROR-AT: 3
; a type name LLVM does not have
define integer @f(i32 %a) {
entry:
  ret i32 %a
}
