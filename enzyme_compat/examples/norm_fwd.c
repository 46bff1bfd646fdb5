/* Enzyme's C ABI, unchanged: the tangent of norm(x) along dx.
 *   clang-22 -O2 -S -emit-llvm norm_fwd.c -o norm_fwd.ll
 *   enzyme-compat ad norm_fwd.ll -o out.ll && clang out.ll -lm -o norm && ./norm */
#include <math.h>
#include <stdio.h>

extern int enzyme_dup, enzyme_const;
extern double __enzyme_fwddiff(void *, ...);

double norm(const double *x, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++)
    s += x[i] * x[i];
  return sqrt(s);
}

int main(void) {
  double x[4] = {1.0, 2.0, 2.0, 4.0}, dx[4] = {1.0, 0.0, 0.0, 0.0};
  /* d norm / d x0 = x0 / norm = 1/5 */
  double t = __enzyme_fwddiff((void *)norm, enzyme_dup, x, dx, enzyme_const, 4);
  printf("norm = %g, d norm/d x0 = %g (expected 0.2)\n", norm(x, 4), t);
  return fabs(t - 0.2) < 1e-12 ? 0 : 1;
}
