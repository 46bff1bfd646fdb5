/* Clang vector extensions in the differentiated function at every optimisation level:
   a <4 x double> (wider than SSE registers, split by the backend) loaded from memory,
   element-wise arithmetic, a reversing shuffle, element extraction and insertion, and
   a horizontal sum. f = sum_i (v_i^2 + 2 v_i v_(3-i)) + v_0 v_1 with v = x. */
#include "check.h"

typedef double v4d __attribute__((vector_size(32)));

double vext(const double *x) {
  v4d v;
  memcpy(&v, x, sizeof v);
  v4d r = __builtin_shufflevector(v, v, 3, 2, 1, 0);
  v4d s = v * v + 2.0 * v * r;
  s[0] += v[0] * v[1];
  return s[0] + s[1] + s[2] + s[3];
}

static double fd_vext(const double *p) { return vext(p); }

int main(void) {
  double x[4] = {0.6, -1.1, 0.35, 1.8}, dx[4] = {0}, want[4];
  for (int i = 0; i < 4; i++) want[i] = 2 * x[i] + 4 * x[3 - i];
  want[0] += x[1];
  want[1] += x[0];
  __enzyme_autodiff_v((void *)vext, x, dx);
  check_grad("vext", fd_vext, x, 4, dx, want);
  double e[4] = {0};
  for (int k = 0; k < 4; k++) {
    e[k] = 1;
    check_fwd("vext fwd", __enzyme_fwddiff((void *)vext, x, e), dx[k], want[k], 1e-12);
    e[k] = 0;
  }
  return failures != 0;
}
