/* fuzz_ad: cc=clang-22 opt=O2 kind=not-finite */
/* found by `python tools/fuzz_ad.py --seed 3` as program 80: input 0: reverse nan, forward 1.3699417531543643 */
#include "fuzz_ad.h"

double f80(const double *x, double y, int n) {
  double v0 = x[0], v1 = y, v2 = 0.5;
  double t[4] = {x[1], x[2], y, 0.25};
  for (int i = 0; i < 4; i++) { v1 -= 0.5 * cos((fmod(x[i % 4], 0.75 + (t[(i + 1) % 4])*(t[(i + 1) % 4])) * t[(i + 1) % 4])); }
  v1 *= 0.75 + 0.25 * tanh(square(fma(v0, 0.5, 0.5)));
  return v1 + t[3] + t[0] + t[2] + v2 + v0 + t[1];
}

static void check_f80(void) {
  double x[4] = {1.128, 0.462, 1.139, 0.73}, y = -0.05, dx[4] = {0, 0, 0, 0}, rev[5], fwd[5];
  int n = 2;
  rev[4] = __enzyme_autodiff((void *)f80, enzyme_dup, x, dx, y, enzyme_const, n);
  for (int j = 0; j < 4; j++) rev[j] = dx[j];
  for (int j = 0; j < 5; j++) {
    double xd[4] = {0, 0, 0, 0}, yd = j == 4;
    if (j < 4) xd[j] = 1;
    fwd[j] = __enzyme_fwddiff((void *)f80, enzyme_dup, x, xd, y, yd, enzyme_const, n);
  }
  fuzz_report("f80", f80, x, y, n, rev, fwd);
}

int main(void) {
  check_f80();
  return 0;
}
