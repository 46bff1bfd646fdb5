/* Branches, ternaries (select), phis, early returns, piecewise functions. */
#include "check.h"

double relu_sq(double x) { return x > 0 ? x * x : 0.1 * x; }
double piece(double x, double y) {
  double r;
  if (x < y)
    r = x * y;
  else if (x < 2 * y)
    r = x + y * y;
  else
    return x / y;
  return r * r;
}
double clampish(double x, double lo, double hi) {
  double v = x < lo ? lo : x;
  v = v > hi ? hi : v;
  return v * x;
}

int main(void) {
  check("relu+", __enzyme_fwddiff((void *)relu_sq, 1.5, 1.0), 3, 1e-12);
  check("relu-", __enzyme_fwddiff((void *)relu_sq, -1.5, 1.0), 0.1, 1e-12);
  /* x < y: r = xy, r^2: d/dx = 2xy*y */
  check("piece1", __enzyme_fwddiff((void *)piece, 0.5, 1.0, 1.0, 0.0), 2 * 0.5, 1e-12);
  /* y <= x < 2y: r = x + y^2: d/dy = 2 r 2y */
  check("piece2", __enzyme_fwddiff((void *)piece, 1.5, 0.0, 1.0, 1.0), 2 * 2.5 * 2, 1e-12);
  check("piece3", __enzyme_fwddiff((void *)piece, 3.0, 0.0, 1.0, 1.0), -3.0, 1e-12);
  /* clamped at hi: v = hi, v*x: d/dx = hi, d/dhi = x */
  check("clamp dx", __enzyme_fwddiff((void *)clampish, 5.0, 1.0, 0.0, 0.0, 2.0, 0.0), 2,
        1e-12);
  check("clamp dhi", __enzyme_fwddiff((void *)clampish, 5.0, 0.0, 0.0, 0.0, 2.0, 1.0), 5,
        1e-12);
  check("clamp mid", __enzyme_fwddiff((void *)clampish, 1.0, 1.0, 0.0, 0.0, 2.0, 0.0), 2,
        1e-12);
  return failures != 0;
}
