/* Several active scalars, as Enzyme's own test of a struct-returning gradient spells it:
   `typedef struct { double dx, dy; } Gradients; extern Gradients __enzyme_autodiff(...)`
   returns both partial derivatives of mul(x, y) (a {double, double} returned in
   registers), called from a user function dmul. */
#define CHECK_OWN_PROTOTYPES
#include "check.h"

typedef struct {
  double dx, dy;
} Gradients;

extern Gradients __enzyme_autodiff(void *, ...);
extern double __enzyme_fwddiff(void *, ...);

double mul(double x, double y) {
  return x * y * y + sin(x);
}

Gradients dmul(double x, double y) {
  return __enzyme_autodiff((void *)mul, x, y);
}

static double fd_mul(const double *p) { return mul(p[0], p[1]); }

int main(void) {
  double x = 1.0, y = 2.0;
  printf("mul(x=%f,y=%f)=%f\n", x, y, mul(x, y));
  printf("ddx dmul(x=%f,y=%f)=%f\n", x, y, dmul(x, y).dx);
  printf("ddy dmul(x=%f,y=%f)=%f\n", x, y, dmul(x, y).dy);
  Gradients g = dmul(x, y);
  double p[2] = {x, y}, got[2] = {g.dx, g.dy}, want[2] = {y * y + cos(x), 2 * x * y};
  check_grad("dmul", fd_mul, p, 2, got, want);
  check_fwd("mul fwd x", __enzyme_fwddiff((void *)mul, x, 1.0, y, 0.0), g.dx, want[0], 1e-12);
  check_fwd("mul fwd y", __enzyme_fwddiff((void *)mul, x, 0.0, y, 1.0), g.dy, want[1], 1e-12);
  return failures != 0;
}
