/* __enzyme_function_like on a wrapper whose body cannot be differentiated, registered
   as a math function whose derivative does not depend on the function's value: my_atan
   calls the C library's atan through a volatile function pointer (a call whose target
   nobody can know) and adds a bias 0.25 x that the registration deliberately ignores.
   Registered as "atan", its derivative is 1 / (1 + x^2) at the argument (the true
   derivative of its body would be that plus 0.25). Reverse and forward mode. */
#include "custom.h"

double (*volatile atan_impl)(double) = atan;

__attribute__((noinline)) double my_atan(double x) { return atan_impl(x) + 0.25 * x; }

void *__enzyme_function_like[2] = {(void *)my_atan, (void *)"atan"};

/* 2 A(x y) + A(x - y) + y^2 */
double f(double x, double y) { return 2 * my_atan(x * y) + my_atan(x - y) + y * y; }

static double fd_f(const double *p) { return f(p[0], p[1]); }
static double model(const double *p) {
  return 2 * atan(p[0] * p[1]) + atan(p[0] - p[1]) + p[1] * p[1];
}

int main(void) {
  double x = 0.8, y = -1.4;
  grad2 d = __enzyme_autodiff2((void *)f, x, y);
  double u = 1 / (1 + x * y * x * y), v = 1 / (1 + (x - y) * (x - y));
  double want[2] = {2 * y * u + v, 2 * x * u - v + 2 * y};
  double p[2] = {x, y}, got[2] = {d.dx, d.dy};
  check_grad_rule("f", fd_f, model, p, 2, got, want);
  double fgot[2] = {__enzyme_fwddiff((void *)f, x, 1.0, y, 0.0),
                    __enzyme_fwddiff((void *)f, x, 0.0, y, 1.0)};
  check_grad_rule("f forward", fd_f, model, p, 2, fgot, want);
  return failures != 0;
}
