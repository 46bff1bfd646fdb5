; ERROR-AT: 7
; file cut off inside a metadata node
define void @f() {
  ret void, !dbg !0
}

!0 = !DILocation(line: 3,