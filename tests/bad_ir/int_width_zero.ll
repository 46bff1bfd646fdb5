; ERROR-AT: 3
; integer type of zero bits
define i0 @f() {
  ret i0 0
}
