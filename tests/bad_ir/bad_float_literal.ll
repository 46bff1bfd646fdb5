; ERROR-AT: 4
; malformed floating-point literal
define double @f(double %x) {
  %1 = fadd double %x, 1.0e+
  ret double %1
}
