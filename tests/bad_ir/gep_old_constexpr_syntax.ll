; ERROR-AT: 4
; constant getelementptr in the pre-3.7 syntax
@g = global [4 x i32] zeroinitializer
@p = global i32* getelementptr ([4 x i32]* @g, i64 0, i64 1)
