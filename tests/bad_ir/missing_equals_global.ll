; ERROR-AT: 3
; global variable without '='
@counter global i32 0
