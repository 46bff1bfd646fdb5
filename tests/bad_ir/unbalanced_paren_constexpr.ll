; ERROR-AT: 4
; constant expression whose ')' is missing
@arr = global [4 x i32] zeroinitializer
@p = global ptr getelementptr ([4 x i32], ptr @arr, i64 0, i64 1, align 8
