/* enzyme_const on pointer arguments: the data, targets and weights of a least-squares
   fit are read-only inputs with no shadow; only the parameters theta are duplicated.
   L = sum_i w_i (theta0 + theta1 d_i + theta2 d_i^2 - t_i)^2. */
#include "check.h"

double fit(const double *theta, const double *d, const double *t, const double *w, int n) {
  double l = 0;
  for (int i = 0; i < n; i++) {
    double r = theta[0] + theta[1] * d[i] + theta[2] * d[i] * d[i] - t[i];
    l += w[i] * r * r;
  }
  return l;
}

#define N 7
static double d[N], t[N], w[N];
static double fd_fit(const double *p) { return fit(p, d, t, w, N); }

int main(void) {
  for (int i = 0; i < N; i++) {
    d[i] = 0.3 * i - 0.9;
    t[i] = sin(d[i]) + 0.5;
    w[i] = 1.0 + 0.1 * i;
  }
  double theta[3] = {0.4, 0.9, -0.2}, dtheta[3] = {0}, want[3] = {0};
  for (int i = 0; i < N; i++) {
    double r = theta[0] + theta[1] * d[i] + theta[2] * d[i] * d[i] - t[i];
    want[0] += 2 * w[i] * r;
    want[1] += 2 * w[i] * r * d[i];
    want[2] += 2 * w[i] * r * d[i] * d[i];
  }
  __enzyme_autodiff_v((void *)fit, enzyme_dup, theta, dtheta, enzyme_const, d, enzyme_const, t,
                      enzyme_const, w, enzyme_const, N);
  check_grad("fit", fd_fit, theta, 3, dtheta, want);
  double e[3] = {0};
  for (int k = 0; k < 3; k++) {
    e[k] = 1;
    check_fwd("fit fwd", __enzyme_fwddiff((void *)fit, enzyme_dup, theta, e, enzyme_const, d,
                                          enzyme_const, t, enzyme_const, w, enzyme_const, N),
              dtheta[k], want[k], 1e-12);
    e[k] = 0;
  }
  return failures != 0;
}
