; ERROR-AT: 4
; metadata string without quotes
!llvm.ident = !{!0}
!0 = !{!"clang", version}
