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

FUZZ_CHECK(f80, 1.128, 0.462, 1.139, 0.73, -0.05, 2)

int main(void) {
  check_f80();
  return 0;
}
