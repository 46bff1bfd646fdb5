; ERROR-AT: 4
; integer add on floating-point operands
define double @f(double %x, double %y) {
  %1 = add double %x, %y
  ret double %1
}
