; ERROR-AT: 3
; global in a comdat that is never declared
@g = global i32 0, comdat($c)
