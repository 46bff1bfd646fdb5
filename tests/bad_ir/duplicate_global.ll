; ERROR-AT: 4
; a global variable defined twice
@g = global i32 0
@g = global i32 1
