; ERROR-AT: 3
; vector whose element type is not a scalar
define <4 x [2 x i32]> @f() {
  ret <4 x [2 x i32]> zeroinitializer
}
