/* A custom gradient for a scalar function double -> double, the shape of Enzyme's rsqrt
   example: the augmented forward function takes the same parameter and returns the
   same type (so it produces the primal result, and my_rsqrt itself is not called by the
   derivative), the reverse function takes the parameter and the adjoint of the result
   and returns the adjoint of the parameter. The registered reverse returns 3 times the
   true derivative of 1/sqrt(x). Two differentiated functions use it: one that needs
   the primal result (r x^2), one through the chain rule (my_rsqrt(x^2 + 1)). */
#include "custom.h"

int f_calls, aug_calls, rev_calls;

__attribute__((noinline)) double my_rsqrt(double x) {
  f_calls++;
  return 1.0 / sqrt(x);
}

/* the true derivative of 1/sqrt(x) */
static double drsqrt(double x) { return -0.5 / (x * sqrt(x)); }

double aug_my_rsqrt(double x) {
  aug_calls++;
  return 1.0 / sqrt(x);
}

double rev_my_rsqrt(double x, double d_ret) {
  rev_calls++;
  return RULE_MUL(3.0) * drsqrt(x) * d_ret;
}

void *__enzyme_register_gradient_my_rsqrt[3] = {(void *)my_rsqrt, (void *)aug_my_rsqrt,
                                                 (void *)rev_my_rsqrt};

/* r x^2 + sin x with r = my_rsqrt(x): the adjoint of r is x^2, and the gradient needs
   the primal r (2 x r) */
double energy(double x) {
  double r = my_rsqrt(x);
  return r * x * x + sin(x);
}

double energy2(double x) { return my_rsqrt(x * x + 1) * 5.0; }

static double fd_energy(const double *p) { return energy(p[0]); }
static double fd_energy2(const double *p) { return energy2(p[0]); }

int main(void) {
  const double xs[3] = {0.7, 1.9, 4.2};
  for (int k = 0; k < 3; k++) {
    double x = xs[k];
    int f0 = f_calls, a0 = aug_calls, r0 = rev_calls;
    double g = __enzyme_autodiff((void *)energy, x);
    int df = f_calls - f0, da = aug_calls - a0, dr = rev_calls - r0;
    check_count("energy: augmented forward calls", da, 1);
    check_count("energy: reverse calls", dr, 1);
    check_count("energy: my_rsqrt not called (aug returns the primal)", df, 0);
    double r = 1.0 / sqrt(x);
    double want[1] = {x * x * RULE_MUL(3.0) * drsqrt(x) + 2 * x * r + cos(x)};
    double p[1] = {x}, got[1] = {g};
    check_grad_rule("energy", fd_energy, fd_energy, p, 1, got, want);

    a0 = aug_calls, r0 = rev_calls;
    g = __enzyme_autodiff((void *)energy2, x);
    check_count("energy2: augmented forward calls", aug_calls - a0, 1);
    check_count("energy2: reverse calls", rev_calls - r0, 1);
    double want2[1] = {5.0 * RULE_MUL(3.0) * drsqrt(x * x + 1) * 2 * x};
    got[0] = g;
    check_grad_rule("energy2", fd_energy2, fd_energy2, p, 1, got, want2);
  }
  return failures != 0;
}
