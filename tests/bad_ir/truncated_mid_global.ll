; ERROR-AT: 3
; file cut off inside a global's initializer
@table = internal constant [4 x i32] [i32 1, i32 2,