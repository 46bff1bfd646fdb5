; ERROR-AT: 4
; string constant with no closing quote up to the end of the file
@msg = private constant [6 x i8] c"hello\00", align 1
@name = private constant [4 x i8] c"abc