/* __enzyme_function_like on a wrapper whose body cannot be differentiated: my_exp calls
   the C library's exp through a volatile function pointer (a call whose target nobody
   can know), and adds a small bias 0.25 x that the registration deliberately ignores.
   Registered as "exp", the wrapper is differentiated with exp's rule, d exp(u) =
   exp(u) du, where exp(u) is the call's own result (the registration says the function
   IS exp): here E(u) = exp(u) + 0.25 u, so d E(u) = (exp(u) + 0.25 u) du, not the true
   derivative of the body (exp(u) + 0.25) du. Reverse and forward mode. */
#include "custom.h"

double (*volatile exp_impl)(double) = exp;

__attribute__((noinline)) double my_exp(double x) { return exp_impl(x) + 0.25 * x; }

void *__enzyme_function_like[2] = {(void *)my_exp, (void *)"exp"};

/* 3 E(2x) - E(-x y) + cos(y) */
double f(double x, double y) { return 3 * my_exp(2 * x) - my_exp(-x * y) + cos(y); }

static double fd_f(const double *p) { return f(p[0], p[1]); }
/* a function whose true gradient is the one exp's rule gives for the wrapper */
static double model(const double *p) {
  double x = p[0], y = p[1];
  return 3 * exp(2 * x) + 1.5 * x * x - exp(-x * y) - 0.125 * x * x * y * y + cos(y);
}

int main(void) {
  double x = 0.45, y = 1.3;
  grad2 d = __enzyme_autodiff2((void *)f, x, y);
  double e = exp(-x * y);
  /* 3 * 2 E(2x) + y E(-xy) and x E(-xy) - sin y, with E(u) = exp(u) + 0.25 u */
  double want[2] = {6 * (exp(2 * x) + 0.5 * x) + y * (e - 0.25 * x * y),
                    x * (e - 0.25 * x * y) - sin(y)};
  double p[2] = {x, y}, got[2] = {d.dx, d.dy};
  check_grad_rule("f", fd_f, model, p, 2, got, want);
  double fgot[2] = {__enzyme_fwddiff((void *)f, x, 1.0, y, 0.0),
                    __enzyme_fwddiff((void *)f, x, 0.0, y, 1.0)};
  check_grad_rule("f forward", fd_f, model, p, 2, fgot, want);
  return failures != 0;
}
