/* Enzyme's documentation ("Using Enzyme"), as written there: square(x) = x * x and its
   derivative dsquare(x) = __enzyme_autodiff((void *)square, x), with the non-variadic
   prototype `double __enzyme_autodiff(void *, double)` the page declares; the
   __enzyme_autodiff call sits inside a user function called in a loop. */
#define CHECK_OWN_PROTOTYPES
#include "check.h"

extern double __enzyme_autodiff(void *, double);
extern double __enzyme_fwddiff(void *, double, double);

double square(double x) {
  return x * x;
}

double dsquare(double x) {
  // This returns the derivative of square or 2 * x
  return __enzyme_autodiff((void *)square, x);
}

static double fd_square(const double *p) { return square(p[0]); }

int main(void) {
  for (double i = 1; i < 5; i++) {
    printf("square(%f)=%f, dsquare(%f)=%f\n", i, square(i), i, dsquare(i));
    double p[1] = {i}, got[1] = {dsquare(i)}, want[1] = {2 * i};
    check_grad("dsquare", fd_square, p, 1, got, want);
    check_fwd("square fwd", __enzyme_fwddiff((void *)square, i, 1.0), got[0], want[0], 1e-12);
  }
  return failures != 0;
}
