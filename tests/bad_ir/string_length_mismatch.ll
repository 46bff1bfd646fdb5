; ERROR-AT: 3
; string constant longer than its array type
@s = private constant [4 x i8] c"hello\00", align 1
