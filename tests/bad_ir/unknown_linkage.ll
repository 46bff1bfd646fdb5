; ERROR-AT: 3
; misspelt linkage keyword
define privte void @f() {
  ret void
}
