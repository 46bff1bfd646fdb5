/* fuzz_ad: cc=clang-14 opt=O0 kind=not-finite */
/* found by `python tools/fuzz_ad.py --seed 184` as program 11: input 0: reverse 1.0, forward nan (y = -1: hypot(0, 1 + y) at the origin, where (x dx + y dy) / hypot was 0/0; seed 171's program 293 met hypot(u - u, 1 + floor(-0.219))). Fixed: hypot's derivative is 0 where hypot is 0 */
#include "fuzz_ad.h"

double f11(const double *x, double y, int n) {
  double v0 = x[0], v1 = y, v2 = 0.5;
  double t[4] = {x[1], x[2], y, 0.25};
  for (int i = 0; i < n; i++) { v2 = trunc(fmax(sqrt(1.0 + (v1)*(v1)), (2.0 / (2.0 + sin(-1.5))))); t[i % 4] -= 0.5 * tanh((hypot((0.25 * i), 1.0 + y) - fmin(1.25, 0.125))); v0 += square(y); }
  return v0 + t[0] + t[2] + t[1] + t[3] + v1 + v2;
}

FUZZ_CHECK(f11, -0.383, -0.946, -0.463, -1.176, -1.0, 3)

int main(void) {
  check_f11();
  return 0;
}
