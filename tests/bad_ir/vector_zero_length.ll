; ERROR-AT: 3
; vector of zero elements
@v = global <0 x i32> zeroinitializer
