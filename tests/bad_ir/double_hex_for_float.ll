; ERROR-AT: 4
; a hex double constant that is not exactly a float, used as float
define float @f(float %x) {
  %1 = fmul float %x, 0x3FB999999999999A
  ret float %1
}
