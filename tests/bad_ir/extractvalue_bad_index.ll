; ERROR-AT: 4
; extractvalue index past the end of the struct
define i32 @f({ i32, i32 } %s) {
  %1 = extractvalue { i32, i32 } %s, 2
  ret i32 %1
}
