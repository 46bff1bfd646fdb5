; ERROR-AT: 3
; a function-local value in a global initializer
@p = global ptr %x
