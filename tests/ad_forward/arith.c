/* Float arithmetic: fadd fsub fmul fdiv fneg, fmod/frem, long chains, constants. */
#include "check.h"

double poly(double x) { return 3 * x * x * x - 2 * x * x + 5 * x - 7; }
double ratio(double x, double y) { return (x - y) / (x * y + 1) - (-x) / y; }
double remainder_of(double x, double y) { return fmod(x, y) * 2 + x; }

int main(void) {
  double x = 1.3, y = 0.6;
  check("poly", __enzyme_fwddiff((void *)poly, x, 1.0), 9 * x * x - 4 * x + 5, 1e-12);
  double den = x * y + 1;
  double dx = (1 * den - (x - y) * y) / (den * den) + 1 / y;
  double dy = (-1 * den - (x - y) * x) / (den * den) - x / (y * y);
  check("ratio dx", __enzyme_fwddiff((void *)ratio, x, 1.0, y, 0.0), dx, 1e-12);
  check("ratio dy", __enzyme_fwddiff((void *)ratio, x, 0.0, y, 1.0), dy, 1e-12);
  /* fmod(x, y) = x - 2y here (x/y = 2.17): d/dx = 1 (*2 + 1), d/dy = -2 (*2) */
  check("fmod dx", __enzyme_fwddiff((void *)remainder_of, x, 1.0, y, 0.0), 3, 1e-12);
  check("fmod dy", __enzyme_fwddiff((void *)remainder_of, x, 0.0, y, 1.0), -4, 1e-12);
  return failures != 0;
}
