/* fuzz_ad: cc=clang-22 opt=O2 kind=ad-error */
/* found by `python tools/fuzz_ad.py --seed 100` as program 1184: f1184.c: error: in function @f1184 at `store` (f1184.c:34:3): cannot deduce whether the stored integer holds an integer or the bits of a float (no TBAA type, no typed field); pass --loose-types to treat it as an integer */
#include "fuzz_ad.h"

double f1184(const double *x, double y, int n) {
  double v0 = x[0], v1 = y, v2 = 0.5;
  double t[4] = {x[1], x[2], y, 0.25};
  memcpy(t, x, sizeof(double) * 1);
  for (int i = 0; i < n; i++) { t[i % 4] += ldexp(hypot(-1.5, 1.0 + v2), -1); v0 = expm1(tanh(lgamma(1.5 + (tgamma(1.2 + 0.5*tanh(t[(i + 1) % 4])))*(tgamma(1.2 + 0.5*tanh(t[(i + 1) % 4])))))); }
  return v1 + t[2];
}

FUZZ_CHECK(f1184, -0.894, 0.365, 1.135, 1.122, -0.211, 1)

int main(void) {
  check_f1184();
  return 0;
}
