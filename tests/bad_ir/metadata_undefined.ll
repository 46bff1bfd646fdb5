; ERROR-AT: 4
; reference to metadata that is never defined
define void @f() {
  ret void, !dbg !7
}
