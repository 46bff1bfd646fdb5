/* One function with both a reverse-mode rule (__enzyme_register_gradient_bump) and a
   forward-mode rule (__enzyme_register_derivative_bump), each wrong in its own way
   (reverse: 3 times the true derivative; forward: the true derivative plus 1000): each
   mode must use its own rule. sin, with no rule, gets its true derivative in both.
   bump(z) = z exp(-z^2); h(x, y) = bump(x y) + y sin x. */
#include "custom.h"

int aug_calls, rev_calls, fwd_calls;

__attribute__((noinline)) double bump(double z) { return z * exp(-z * z); }

/* the true derivative of bump */
static double dbump(double z) { return exp(-z * z) * (1 - 2 * z * z); }

double aug_bump(double z) {
  aug_calls++;
  return z * exp(-z * z);
}

double rev_bump(double z, double d_ret) {
  rev_calls++;
  return RULE_MUL(3.0) * dbump(z) * d_ret;
}

double fwd_bump(double z, double dz) {
  fwd_calls++;
  return (dbump(z) + RULE_ADD(1000.0)) * dz;
}

void *__enzyme_register_gradient_bump[3] = {(void *)bump, (void *)aug_bump, (void *)rev_bump};
void *__enzyme_register_derivative_bump[2] = {(void *)bump, (void *)fwd_bump};

double h(double x, double y) { return bump(x * y) + y * sin(x); }

static double fd_h(const double *p) { return h(p[0], p[1]); }

int main(void) {
  double x = 0.9, y = 0.55, z = x * y;
  grad2 d = __enzyme_autodiff2((void *)h, x, y);
  check_count("reverse: augmented forward calls", aug_calls, 1);
  check_count("reverse: reverse calls", rev_calls, 1);
  check_count("reverse: forward rule not used", fwd_calls, 0);
  double R = RULE_MUL(3.0) * dbump(z), F = dbump(z) + RULE_ADD(1000.0);
  double p[2] = {x, y};
  double got[2] = {d.dx, d.dy}, want[2] = {y * R + y * cos(x), x * R + sin(x)};
  check_grad_rule("h reverse", fd_h, fd_h, p, 2, got, want);

  double fgot[2] = {__enzyme_fwddiff((void *)h, x, 1.0, y, 0.0),
                    __enzyme_fwddiff((void *)h, x, 0.0, y, 1.0)};
  check_count("forward: forward rule calls", fwd_calls, 2);
  check_count("forward: reverse rules not used", aug_calls + rev_calls, 2);
  double fwant[2] = {y * F + y * cos(x), x * F + sin(x)};
  check_grad_rule("h forward", fd_h, fd_h, p, 2, fgot, fwant);
  return failures != 0;
}
