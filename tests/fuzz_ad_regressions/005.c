/* fuzz_ad: cc=clang-14 opt=O2 kind=forward-vs-fd */
/* found by `python tools/fuzz_ad.py --seed 100` as program 10442: forward 9.16149, central differences 9.15138 (steps 1e-6 and 1e-5 agreeing by chance). Not an engine error: an independent dual-number evaluation gives 9.16149038042178 too; ceil(square(v2)) jumps finer than the step. fuzz_fd now also compares each difference with one at a 100 times smaller step */
#include "fuzz_ad.h"

__attribute__((noinline)) static double f10442_h0(double a, double b) { double c = copysign(expm1(tanh((0.125 - a))), (a * a)); if (c > b) c = c * 0.5 + asinh((double)(long)(b)); return c; }
double f10442(const double *x, double y, int n) {
  double v0 = x[0], v1 = y, v2 = 0.5;
  double *t = malloc(sizeof(double) * 4); t[0] = x[1]; t[1] = x[2]; t[2] = y; t[3] = 0.25;
  for (int w = 0; w < 8 && v0 < 2.0; w++) { v0 += 0.25 + 0.125 * tanh(pow(1.0 + (v2)*(v2), tanh(x[1]))); v2 = fma(ceil(square(v2)), hypot((v0 > -1.5 ? v0 : -1.5), 1.0 + f10442_h0(v0, 0.5)), 0.5); }
  double result = v0 + v1 + t[3] + t[0] + t[1]; free(t); return result;
}

FUZZ_CHECK(f10442, -0.854, -0.015, 0.869, -0.455, 0.573, 4)

int main(void) {
  check_f10442();
  return 0;
}
