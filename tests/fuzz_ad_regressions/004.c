/* fuzz_ad: cc=clang-22 opt=O2 kind=forward-vs-fd */
/* found by `python tools/fuzz_ad.py --seed 100` as program 9810: forward 0.68, central differences 0.537. Not an engine error: x[0] = -x[1] puts fabs(x[0] + x[1]) at its kink, where the symmetric differences see 0 and AD takes the slope of one side; one-sided differences now mark such inputs not smooth */
#include "fuzz_ad.h"

double f9810(const double *x, double y, int n) {
  double v0 = x[0], v1 = y, v2 = 0.5;
  double t[4] = {x[1], x[2], y, 0.25};
  for (int i = 0; i < 4; i++) { v0 = (atan2((v0 - x[1]), 1.0 + ((t[(i + 1) % 4] * x[i % 4]))*((t[(i + 1) % 4] * x[i % 4]))) * copysign(fmax(t[(i + 1) % 4], v1), fmax((0.25 * i), y))); v0 += fmax(acosh(1.5 + (y)*(y)), copysign((0.25 * i), t[(i + 1) % 4])); t[i % 4] += x[i % 4]; }
  return v1 + t[2] + t[1] + v0;
}

FUZZ_CHECK(f9810, -0.731, 0.731, 0.257, -0.101, -0.287, 4)

int main(void) {
  check_f9810();
  return 0;
}
