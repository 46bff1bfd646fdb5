/* libm trigonometry: sin, cos, tan, atan2, hypot (and atan, asin) of two active
   doubles; and sin and cos of the same and of other operands side by side (the reverse
   sweep reuses the primal's cos(x) for the derivative of sin(x), never cos(y)). */
#include "check.h"

double f(double x, double y) {
  return sin(x) * cos(y) + tan(x * y) + atan2(y, x) + hypot(x, y) + atan(x - y) * asin(y);
}

double g(double x, double y) {
  double sx = sin(x), cx = cos(x), sy = sin(y), cxy = cos(x * y), cy = cos(y);
  return sx * cx + 3 * sy - cxy * cy + sx * sy;
}

static double fd_f(const double *p) { return f(p[0], p[1]); }
static double fd_g(const double *p) { return g(p[0], p[1]); }

int main(void) {
  double pts[3][2] = {{0.7, 0.4}, {-1.2, 0.3}, {0.25, -0.6}};
  for (int k = 0; k < 3; k++) {
    double x = pts[k][0], y = pts[k][1];
    double sec2 = 1 / (cos(x * y) * cos(x * y)), r2 = x * x + y * y, hy = hypot(x, y);
    double at = atan(x - y), as = asin(y), dat = 1 / (1 + (x - y) * (x - y));
    double want[2] = {cos(x) * cos(y) + y * sec2 - y / r2 + x / hy + dat * as,
                      -sin(x) * sin(y) + x * sec2 + x / r2 + y / hy - dat * as
                          + at / sqrt(1 - y * y)};
    grad2 d = __enzyme_autodiff2((void *)f, x, y);
    double got[2] = {d.dx, d.dy};
    check_grad("trig", fd_f, pts[k], 2, got, want);
    check_fwd("trig fwd x", __enzyme_fwddiff((void *)f, x, 1.0, y, 0.0), d.dx, want[0], 1e-12);
    check_fwd("trig fwd y", __enzyme_fwddiff((void *)f, x, 0.0, y, 1.0), d.dy, want[1], 1e-12);

    double sx = sin(x), cx = cos(x), sy = sin(y), cy = cos(y), sxy = sin(x * y), cxy = cos(x * y);
    double want_g[2] = {cx * cx - sx * sx + y * sxy * cy + cx * sy,
                        3 * cy + x * sxy * cy + cxy * sy + sx * cy};
    grad2 e = __enzyme_autodiff2((void *)g, x, y);
    double got_g[2] = {e.dx, e.dy};
    check_grad("sin and cos side by side", fd_g, pts[k], 2, got_g, want_g);
  }
  return failures != 0;
}
