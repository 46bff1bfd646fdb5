/* Integers and doubles mixed: (int) x is inactive (a step function), so is an integer
   loop counter converted to double, an integer argument and a long computed from the
   data; floor/round/trunc have zero derivative; the fractional part x - (int) x has
   derivative 1. */
#include "check.h"

double mix(double x, int k, double y) {
  int i = (int)x;
  double frac = x - i;
  long q = (long)(y * 10 + 0.5);
  double s = 0;
  for (int j = 0; j < k; j++) s += (double)j * y + frac * frac;
  return s + (double)(k * i) * y + floor(x * y) + (double)q * x + round(x) * trunc(y);
}

static double fd_mix(const double *p) { return mix(p[0], 4, p[1]); }

int main(void) {
  double x = 2.3, y = 1.37;
  int k = 4, i = 2;
  double frac = x - i;
  long q = (long)(y * 10 + 0.5);
  /* s = 6 y + 4 frac^2 */
  double want[2] = {8 * frac + (double)q, 6 + k * i + round(x) * 0};
  grad2 d = __enzyme_autodiff2((void *)mix, x, k, y);
  double p[2] = {x, y}, got[2] = {d.dx, d.dy};
  check_grad("mix", fd_mix, p, 2, got, want);
  check_fwd("mix fwd x", __enzyme_fwddiff((void *)mix, x, 1.0, k, y, 0.0), d.dx, want[0], 1e-12);
  check_fwd("mix fwd y", __enzyme_fwddiff((void *)mix, x, 0.0, k, y, 1.0), d.dy, want[1], 1e-12);
  return failures != 0;
}
