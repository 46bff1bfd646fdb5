; ERROR-AT: 3
; array of void
@a = global [4 x void] zeroinitializer
