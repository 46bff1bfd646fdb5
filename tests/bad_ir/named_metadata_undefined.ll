; ERROR-AT: 3
; named metadata listing an undefined node
!llvm.module.flags = !{!0, !1}
!0 = !{i32 7, !"PIC Level", i32 2}
