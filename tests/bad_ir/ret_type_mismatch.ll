; ERROR-AT: 4
; ret of a type other than the function's result
define i32 @f() {
  ret i64 0
}
