/* The Enzyme tutorial's first program, as written there: the markers are defined in the
   program (`int enzyme_const, enzyme_dup, enzyme_out;`, not extern), the prototype is
   the variadic `double __enzyme_autodiff(void *, ...)`, and the gradient of square at
   x = 20 is __enzyme_autodiff((void *)square, x). Also the "Function Hooks" page: one
   name per signature (__enzyme_autodiffDouble with a typed function pointer). */
#define CHECK_OWN_PROTOTYPES
#include "check.h"

// Function to differentiate
double square(double x) {
  return x * x;
}

double __enzyme_autodiff(void *, ...);
double __enzyme_autodiffDouble(double (*)(double), double);
double __enzyme_fwddiff(void *, ...);
int enzyme_const, enzyme_dup, enzyme_out;

static double fd_square(const double *p) { return square(p[0]); }

int main(void) {
  double x = 20;
  double grad_x = __enzyme_autodiff((void *)square, x);
  printf("Gradient square(%f) = %f\n", x, grad_x);
  double p[1] = {x}, got[1] = {grad_x}, want[1] = {2 * x};
  check_grad("square", fd_square, p, 1, got, want);
  /* the same with explicit markers: enzyme_out for the active double */
  check("square enzyme_out", __enzyme_autodiff((void *)square, enzyme_out, x), 2 * x, 1e-12);
  check("square typed hook", __enzyme_autodiffDouble(square, 1.5), 3.0, 1e-12);
  check_fwd("square fwd", __enzyme_fwddiff((void *)square, x, 1.0), grad_x, 2 * x, 1e-12);
  return failures != 0;
}
