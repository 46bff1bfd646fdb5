; ERROR-AT: 5
; use of a local value that is never defined
define i32 @f(i32 %a, i32 %b) {
entry:
  %r = add i32 %a, %x
  ret i32 %r
}
