/* Enzyme's C ABI, unchanged: the gradient of a small least-squares loss (reverse mode),
 * checked against forward mode.
 *   clang-22 -O2 -S -emit-llvm grad.c -o grad.ll
 *   enzyme-compat ad grad.ll -o out.ll && clang out.ll -lm -o grad && ./grad */
#include <math.h>
#include <stdio.h>

extern int enzyme_dup, enzyme_const, enzyme_out;
extern double __enzyme_autodiff(void *, ...);
extern double __enzyme_fwddiff(void *, ...);

/* sum_i (w x_i + b - y_i)^2 / n, with the model parameters w (by pointer) and b */
double loss(const double *w, double b, const double *x, const double *y, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++) {
    double r = *w * x[i] + b - y[i];
    s += r * r;
  }
  return s / n;
}

int main(void) {
  double x[4] = {0.0, 1.0, 2.0, 3.0}, y[4] = {1.0, 2.5, 5.5, 7.0};
  double w = 1.5, dw = 0.0, b = 0.5;
  double db = __enzyme_autodiff((void *)loss, enzyme_dup, &w, &dw, enzyme_out, b,
                                enzyme_const, x, enzyme_const, y, enzyme_const, 4);
  double one = 1.0, tw = __enzyme_fwddiff((void *)loss, enzyme_dup, &w, &one, b, 0.0,
                                          enzyme_const, x, enzyme_const, y, enzyme_const, 4);
  /* by hand: r = (-0.5, -0.5, -2, -2): dL/dw = sum r x / 2 = -5.25, dL/db = sum r / 2 = -2.5 */
  printf("dL/dw = %g (forward mode %g, expected -5.25), dL/db = %g (expected -2.5)\n", dw, tw,
         db);
  return fabs(dw + 5.25) < 1e-12 && fabs(tw + 5.25) < 1e-12 && fabs(db + 2.5) < 1e-12 ? 0 : 1;
}
