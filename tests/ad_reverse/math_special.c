/* tanh, erf, erfc, fabs, fmin, fmax: three active doubles (the three derivatives through
   an sret struct), at two points where fmin/fmax pick different arguments and fabs
   sees both signs. */
#include "check.h"

double f(double x, double y, double z) {
  return tanh(x) * erf(y) + fabs(z) * x + fmin(x, y) * fmax(y, z) + erfc(x * 0.5);
}

static double fd_f(const double *p) { return f(p[0], p[1], p[2]); }

int main(void) {
  const double isqpi = 2 / sqrt(M_PI);
  /* x < y, y > z, z < 0: f = tanh x erf y - z x + x y + erfc(x/2) */
  double p1[3] = {0.6, 0.9, -1.2};
  /* y < x, z > y, z > 0: f = tanh x erf y + z x + y z + erfc(x/2) */
  double p2[3] = {1.1, 0.3, 0.8};
  for (int k = 0; k < 2; k++) {
    double *p = k ? p2 : p1, x = p[0], y = p[1], z = p[2];
    double sech2 = 1 - tanh(x) * tanh(x), derf = isqpi * exp(-y * y);
    double derfc = -0.5 * isqpi * exp(-x * x / 4);
    double want[3];
    if (k == 0) {
      want[0] = sech2 * erf(y) - z + y + derfc;
      want[1] = tanh(x) * derf + x;
      want[2] = -x;
    } else {
      want[0] = sech2 * erf(y) + z + derfc;
      want[1] = tanh(x) * derf + z;
      want[2] = x + y;
    }
    grad3 d = __enzyme_autodiff3((void *)f, x, y, z);
    double got[3] = {d.dx, d.dy, d.dz};
    check_grad("special", fd_f, p, 3, got, want);
    check_fwd("special fwd x", __enzyme_fwddiff((void *)f, x, 1.0, y, 0.0, z, 0.0), d.dx,
              want[0], 1e-12);
    check_fwd("special fwd y", __enzyme_fwddiff((void *)f, x, 0.0, y, 1.0, z, 0.0), d.dy,
              want[1], 1e-12);
    check_fwd("special fwd z", __enzyme_fwddiff((void *)f, x, 0.0, y, 0.0, z, 1.0), d.dz,
              want[2], 1e-12);
  }
  return failures != 0;
}
