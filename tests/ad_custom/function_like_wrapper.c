/* __enzyme_function_like on a wrapper whose body cannot be differentiated: my_exp calls
   the C library's exp through a volatile function pointer (a call whose target nobody
   can know), and adds a small bias 0.25 x that the registration deliberately ignores.
   Registered as "exp", the wrapper's derivative is exp's derivative at the argument,
   exp(x) (the true derivative of its body would be exp(x) + 0.25). That is not the
   wrapper's own value exp(x) + 0.25 x: reusing the call's result as exp's derivative is
   right only when the function is exactly exp. Reverse and forward mode. */
#include "custom.h"

double (*volatile exp_impl)(double) = exp;

__attribute__((noinline)) double my_exp(double x) { return exp_impl(x) + 0.25 * x; }

void *__enzyme_function_like[2] = {(void *)my_exp, (void *)"exp"};

/* 3 E(2x) - E(-x y) + cos(y) */
double f(double x, double y) { return 3 * my_exp(2 * x) - my_exp(-x * y) + cos(y); }

static double fd_f(const double *p) { return f(p[0], p[1]); }
static double model(const double *p) {
  return 3 * exp(2 * p[0]) - exp(-p[0] * p[1]) + cos(p[1]);
}

int main(void) {
  double x = 0.45, y = 1.3;
  grad2 d = __enzyme_autodiff2((void *)f, x, y);
  double e = exp(-x * y);
  double want[2] = {6 * exp(2 * x) + y * e, x * e - sin(y)};
  double p[2] = {x, y}, got[2] = {d.dx, d.dy};
  check_grad_rule("f", fd_f, model, p, 2, got, want);
  double fgot[2] = {__enzyme_fwddiff((void *)f, x, 1.0, y, 0.0),
                    __enzyme_fwddiff((void *)f, x, 0.0, y, 1.0)};
  check_grad_rule("f forward", fd_f, model, p, 2, fgot, want);
  return failures != 0;
}
