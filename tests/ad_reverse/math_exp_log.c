/* libm exponentials and logarithms: exp, log, pow (both arguments active), sqrt, expm1,
   log1p, cbrt, exp2, log10. */
#include "check.h"

double f(double x, double y) {
  return exp(x) * log(y) + pow(x, y) + sqrt(x * y) + expm1(x - y) + log1p(x * y)
         + cbrt(x + 2 * y) + exp2(y) * log10(x);
}

static double fd_f(const double *p) { return f(p[0], p[1]); }

int main(void) {
  double pts[2][2] = {{1.3, 0.8}, {0.6, 2.2}};
  for (int k = 0; k < 2; k++) {
    double x = pts[k][0], y = pts[k][1];
    double c = cbrt(x + 2 * y), s = sqrt(x * y);
    double want[2] = {
        exp(x) * log(y) + y * pow(x, y - 1) + y / (2 * s) + exp(x - y) + y / (1 + x * y)
            + 1 / (3 * c * c) + exp2(y) / (x * log(10.0)),
        exp(x) / y + pow(x, y) * log(x) + x / (2 * s) - exp(x - y) + x / (1 + x * y)
            + 2 / (3 * c * c) + exp2(y) * log(2.0) * log10(x)};
    grad2 d = __enzyme_autodiff2((void *)f, x, y);
    double got[2] = {d.dx, d.dy};
    check_grad("explog", fd_f, pts[k], 2, got, want);
    check_fwd("explog fwd x", __enzyme_fwddiff((void *)f, x, 1.0, y, 0.0), d.dx, want[0], 1e-12);
    check_fwd("explog fwd y", __enzyme_fwddiff((void *)f, x, 0.0, y, 1.0), d.dy, want[1], 1e-12);
  }
  return failures != 0;
}
