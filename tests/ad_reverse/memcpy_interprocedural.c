/* Interprocedural type analysis: a memcpy inside a helper that sees only void pointers
   (no typed access to the bytes in that function); the callers' arrays of doubles say
   what the bytes hold, so the reverse sweep moves the adjoints as doubles. Also through
   two levels of helpers. */
#include "check.h"

__attribute__((noinline)) void copy_bytes(void *dst, const void *src, size_t n) {
  memcpy(dst, src, n);
}
__attribute__((noinline)) void copy_twice(void *dst, const void *src, size_t n) {
  copy_bytes(dst, src, n);
}

double f(const double *x) {
  double tmp[3], tmp2[3];
  copy_bytes(tmp, x, sizeof tmp);
  copy_twice(tmp2, tmp, sizeof tmp2);
  return tmp[0] * tmp[1] + sin(tmp2[2]) * tmp2[0];
}

static double fd_f(const double *p) { return f(p); }

int main(void) {
  double x[3] = {0.5, 1.5, 0.3}, d[3] = {0, 0, 0};
  __enzyme_autodiff_v((void *)f, x, d);
  double want[3] = {x[1] + sin(x[2]), x[0], cos(x[2]) * x[0]};
  check_grad("memcpy through helpers", fd_f, x, 3, d, want);
  for (int k = 0; k < 3; k++) {
    double t[3] = {0, 0, 0};
    t[k] = 1;
    check_fwd("forward", __enzyme_fwddiff((void *)f, x, t), d[k], want[k], 1e-12);
  }
  return failures != 0;
}
