/* fuzz_ad: cc=clang-14 opt=O2 kind=ad-error */
/* found by `python tools/fuzz_ad.py --seed 5` as program 330: f330.c: error: in function @f330 at `store` (f330.c:34:3): the bits of a float stored as an integer: its adjoint would be lost */
#include "fuzz_ad.h"

double f330(const double *x, double y, int n) {
  double v0 = x[0], v1 = y, v2 = 0.5;
  double *t = malloc(sizeof(double) * 4); t[0] = x[1]; t[1] = x[2]; t[2] = y; t[3] = 0.25;
  memcpy(t, x, sizeof(double) * 1);
  for (int i = 0; i < n; i++) { v0 -= 0.5 * sin(v2); t[i % 4] -= 0.5 * tanh(pow(1.0 + (t[(i + 1) % 4])*(t[(i + 1) % 4]), tanh(atan2(x[i % 4], 1.0 + ((0.25 * i))*((0.25 * i)))))); }
  double result = v2 + v1 + t[3] + t[0] + t[2]; free(t); return result;
}

FUZZ_CHECK(f330, -0.236, 0.009, -0.024, -0.066, -0.614, 4)

int main(void) {
  check_f330();
  return 0;
}
