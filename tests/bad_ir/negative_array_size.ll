; ERROR-AT: 3
; array type with a negative element count
@a = global [-1 x i32] zeroinitializer
