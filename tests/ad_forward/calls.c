/* Calls between user functions: differentiated recursively, memoised; recursion;
   a helper that writes through a pointer; printf is inactive. */
#include "check.h"

__attribute__((noinline)) double sq(double v) { return v * v; }

__attribute__((noinline)) void scale(double *p, double k) { *p = *p * k; }

__attribute__((noinline)) double ipow(double b, int e) {
  if (e == 0)
    return 1.0;
  return b * ipow(b, e - 1);
}

double g(double x, double y) {
  double t = sq(x) + sq(y) * sin(x);
  scale(&t, y);
  if (t > 1e9)
    printf("large %f\n", t);
  return t + ipow(x, 3);
}

int main(void) {
  double x = 1.1, y = 0.4;
  /* g = (x^2 + y^2 sin x) * y + x^3 */
  double gx = (2 * x + y * y * cos(x)) * y + 3 * x * x;
  double gy = 2 * y * sin(x) * y + (x * x + y * y * sin(x));
  check("dg/dx", __enzyme_fwddiff((void *)g, x, 1.0, y, 0.0), gx, 1e-12);
  check("dg/dy", __enzyme_fwddiff((void *)g, x, 0.0, y, 1.0), gy, 1e-12);
  return failures != 0;
}
