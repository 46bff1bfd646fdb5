/* __attribute__((annotate("enzyme_function_like=log1p"))) on a function (recorded by
   clang in llvm.global.annotations), treated like __enzyme_function_like: pade_log1p, a
   [2/1] Pade approximant x (6 + x) / (6 + 4 x) of log(1 + x), is differentiated as log1p
   (derivative 1 / (1 + x)), not as the rational function (derivative
   (36 + 12 x + 4 x^2) / (6 + 4 x)^2, 6% and 12% larger at the two arguments).
   g(a, b) = pade_log1p(a^2) b + 2 pade_log1p(a + b): the gradient needs the primal of
   the first call (the coefficient of b); it is computed from the Pade function's value,
   which is what the primal returns whatever the registration says. Reverse and forward
   mode. */
#include "custom.h"

__attribute__((annotate("enzyme_function_like=log1p"), noinline)) double pade_log1p(double x) {
  return x * (6 + x) / (6 + 4 * x);
}

double g(double a, double b) { return pade_log1p(a * a) * b + 2 * pade_log1p(a + b); }

static double fd_g(const double *p) { return g(p[0], p[1]); }
/* the function whose true derivative the registration describes: log1p's derivative,
   the Pade function's value where the primal value enters */
static double a0, P0; /* the point of the check and the Pade value there */
static double model(const double *p) {
  double a = p[0], b = p[1];
  return (P0 + log1p(a * a) - log1p(a0 * a0)) * b + 2 * log1p(a + b);
}

int main(void) {
  double a = 1.1, b = 0.6;
  grad2 d = __enzyme_autodiff2((void *)g, a, b);
  double P = pade_log1p(a * a);
  a0 = a, P0 = P;
  double want[2] = {2 * a / (1 + a * a) * b + 2 / (1 + a + b), P + 2 / (1 + a + b)};
  double p[2] = {a, b}, got[2] = {d.dx, d.dy};
  check_grad_rule("g", fd_g, model, p, 2, got, want);
  double fgot[2] = {__enzyme_fwddiff((void *)g, a, 1.0, b, 0.0),
                    __enzyme_fwddiff((void *)g, a, 0.0, b, 1.0)};
  check_grad_rule("g forward", fd_g, model, p, 2, fgot, want);
  return failures != 0;
}
