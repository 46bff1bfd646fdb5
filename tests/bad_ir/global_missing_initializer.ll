; ERROR-AT: 3
; global variable without an initializer
@counter = global i32, align 4
