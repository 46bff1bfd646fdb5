/* Functions clang lowers to LLVM intrinsics: fmin/fmax/copysign/floor/fma, and a
   reduction the -O2 vectorizer turns into vector code. */
#include "check.h"

double pick(double x, double y) {
  return fmin(x, y) * 2 + fmax(x, y) * 3 + copysign(x, -y) + floor(x) + fma(x, y, x);
}

double dot(const double *a, const double *b, int n) {
  double s = 0;
#pragma clang loop vectorize(enable) interleave(enable)
  for (int i = 0; i < n; i++) {
#pragma clang fp reassociate(on)
    s += a[i] * b[i];
  }
  return s;
}

int main(void) {
  double x = 0.4, y = 1.5;
  /* min = x, max = y, copysign(x, -y) = -x */
  check("pick dx", __enzyme_fwddiff((void *)pick, x, 1.0, y, 0.0), 2 - 1 + y + 1, 1e-12);
  check("pick dy", __enzyme_fwddiff((void *)pick, x, 0.0, y, 1.0), 3 + x, 1e-12);
  double a[16], b[16], da[16], db[16];
  double want = 0;
  for (int i = 0; i < 16; i++) {
    a[i] = 0.1 * i;
    b[i] = 1.0 - 0.05 * i;
    da[i] = 1.0;
    db[i] = (i % 2) ? 1.0 : 0.0;
    want += b[i] + ((i % 2) ? a[i] : 0);
  }
  check("dot", __enzyme_fwddiff((void *)dot, a, da, b, db, enzyme_const, 16), want, 1e-12);
  return failures != 0;
}
