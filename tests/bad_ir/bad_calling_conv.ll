; ERROR-AT: 3
; 'cc' without its number
define cc void @f() {
  ret void
}
