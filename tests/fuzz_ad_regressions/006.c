/* fuzz_ad: cc=clang-22 opt=O2 kind=ad-error */
/* found by `python tools/fuzz_ad.py --seed 100` as program 10791: "cannot deduce whether the stored integer holds an integer or the bits of a float" at clang-22 -O2: a double memcpy-ed from x into malloc memory as load i64/store i64, both locations also read as doubles. Fixed in type analysis (a location the function reads floats from holds floats) */
#include "fuzz_ad.h"

double f10791(const double *x, double y, int n) {
  double v0 = x[0], v1 = y, v2 = 0.5;
  double *t = malloc(sizeof(double) * 4); t[0] = x[1]; t[1] = x[2]; t[2] = y; t[3] = 0.25;
  memcpy(t, x, sizeof(double) * 2);
  t[1] = v2;
  for (int i = 0; i < n; i++) { t[i % 4] += (0.25 * i); v0 = (y / (1.0 + ((-1.5 > (x[2] / (1.0 + (3.0)*(3.0))) ? -1.5 : (x[2] / (1.0 + (3.0)*(3.0)))))*((-1.5 > (x[2] / (1.0 + (3.0)*(3.0))) ? -1.5 : (x[2] / (1.0 + (3.0)*(3.0))))))); t[(int)(3.9 * fabs(sin(x[0])))] += 0.25 * cos((y < 0.25 ? y * y : sin(y))); }
  double result = t[0] + v2 + t[1]; free(t); return result;
}

FUZZ_CHECK(f10791, -1.125, 0.107, -0.886, 0.563, 0.331, 5)

int main(void) {
  check_f10791();
  return 0;
}
