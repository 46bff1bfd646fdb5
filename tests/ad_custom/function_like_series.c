/* __enzyme_function_like: my_log1p, a deliberately crude three-term series for
   log(1 + x), is differentiated as if it were log1p: its derivative is 1 / (1 + x) at
   the argument, not the derivative of the series (1 - x + x^2), which differs by 3% to
   50% at the points used. The function is called in a loop over an array and on a
   product of two arguments; the gradient does not depend on the values the series
   returns (only on its arguments), so it is the same whichever function computes the
   primal. Reverse and forward mode. */
#include "custom.h"

__attribute__((noinline)) double my_log1p(double x) { return x - x * x / 2 + x * x * x / 3; }

void *__enzyme_function_like[2] = {(void *)my_log1p, (void *)"log1p"};

#define N 3

/* 2 L(s x_0 x_1) + sum_i L(x_i) + s^2 */
double f(const double *x, int n, double s) {
  double acc = 2 * my_log1p(s * x[0] * x[1]);
  for (int i = 0; i < n; i++) acc += my_log1p(x[i]);
  return acc + s * s;
}

static double fd_f(const double *p) { return f(p, N, p[N]); }
static double model(const double *p) {
  double acc = 2 * log1p(p[N] * p[0] * p[1]);
  for (int i = 0; i < N; i++) acc += log1p(p[i]);
  return acc + p[N] * p[N];
}

int main(void) {
  double x[N] = {0.5, 0.8, -0.3}, dx[N] = {0}, s = 1.1;
  double ds = __enzyme_autodiff((void *)f, enzyme_dup, x, dx, N, s);
  double z = s * x[0] * x[1];
  double want[N + 1];
  for (int i = 0; i < N; i++) want[i] = 1 / (1 + x[i]);
  want[0] += 2 * s * x[1] / (1 + z);
  want[1] += 2 * s * x[0] / (1 + z);
  want[N] = 2 * x[0] * x[1] / (1 + z) + 2 * s;
  double got[N + 1], p[N + 1];
  memcpy(got, dx, sizeof dx);
  got[N] = ds;
  memcpy(p, x, sizeof x);
  p[N] = s;
  check_grad_rule("f", fd_f, model, p, N + 1, got, want);
  double fgot[N + 1];
  for (int j = 0; j <= N; j++) {
    double e[N] = {0};
    if (j < N) e[j] = 1;
    fgot[j] = __enzyme_fwddiff((void *)f, enzyme_dup, x, e, N, s, j == N ? 1.0 : 0.0);
  }
  check_grad_rule("f forward", fd_f, model, p, N + 1, fgot, want);
  return failures != 0;
}
