; ERROR-AT: 6
; a field of a specialized metadata node without its value
define void @f() !dbg !1 {
  ret void, !dbg !0
}
!0 = !DILocation(line: , column: 2, scope: !1)
!1 = distinct !DISubprogram(name: "f", unit: !2)
!2 = distinct !DICompileUnit(language: DW_LANG_C99, file: !3)
!3 = !DIFile(filename: "a.c", directory: "/")
