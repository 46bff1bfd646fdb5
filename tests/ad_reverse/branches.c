/* Branches: an if / else if / else chain on the active values, then a ternary (a select
   at -O2) on an intermediate; six points, one in each of the six regions. */
#include "check.h"

double piece(double x, double y) {
  double r;
  if (x > y)
    r = x * x - y;
  else if (x > 0)
    r = sin(x) * y;
  else
    r = exp(x) + y * y;
  r = (r > 1) ? r * 2 : r + x;
  return r;
}

static double fd_piece(const double *p) { return piece(p[0], p[1]); }

int main(void) {
  double pts[6][2] = {{1.5, 0.5}, {0.9, 0.2}, {1.2, 3.0}, {0.3, 0.5}, {-0.5, 1.2}, {-1.0, 0.3}};
  for (int k = 0; k < 6; k++) {
    double x = pts[k][0], y = pts[k][1], r0, d0x, d0y;
    if (x > y)
      r0 = x * x - y, d0x = 2 * x, d0y = -1;
    else if (x > 0)
      r0 = sin(x) * y, d0x = cos(x) * y, d0y = sin(x);
    else
      r0 = exp(x) + y * y, d0x = exp(x), d0y = 2 * y;
    double want[2];
    if (r0 > 1)
      want[0] = 2 * d0x, want[1] = 2 * d0y;
    else
      want[0] = d0x + 1, want[1] = d0y;
    grad2 d = __enzyme_autodiff2((void *)piece, x, y);
    double got[2] = {d.dx, d.dy};
    check_grad("piece", fd_piece, pts[k], 2, got, want);
    check_fwd("piece fwd x", __enzyme_fwddiff((void *)piece, x, 1.0, y, 0.0), d.dx, want[0],
              1e-12);
    check_fwd("piece fwd y", __enzyme_fwddiff((void *)piece, x, 0.0, y, 1.0), d.dy, want[1],
              1e-12);
  }
  return failures != 0;
}
