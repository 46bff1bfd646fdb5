; ERROR-AT: 3
; array initializer whose ']' is missing
@a = global [2 x i32] [i32 1, i32 2, align 4
