; ERROR-AT: 3
; a local value defined at module level
%x = add i32 1, 2

define void @f() {
  ret void
}
