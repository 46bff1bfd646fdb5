/* Blocks reached from an integer test or around it: in a loop, every third element
   multiplies the running value before it is added (an if without else on i % 3), and a
   second loop takes one of two updates by comparing the counter with a runtime bound.
   Which way the forward sweep went is recomputed from the counter in the reverse sweep. */
#include "check.h"

double every_third(const double *x, int n) {
  double s = 1;
  for (int i = 0; i < n; i++) {
    if (i % 3 == 0)
      s *= x[i];
    s += x[i] * x[i];
  }
  return s;
}

double split_at(const double *x, int n, int m) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    double t;
    if (i < m)
      t = sin(x[i]);
    else
      t = x[i] * x[i] * x[i];
    s = s * 0.5 + t;
  }
  return s;
}

#define N 8
static int m_split;
static double fd_third(const double *p) { return every_third(p, N); }
static double fd_split(const double *p) { return split_at(p, N, m_split); }
static volatile int runtime_m = 3;

int main(void) {
  double x[N] = {0.9, -1.2, 0.4, 1.7, -0.6, 1.1, 0.3, -0.8}, dx[N], want[N];
  clear(dx, N);
  __enzyme_autodiff((void *)every_third, x, dx, N);
  /* s_{i+1} = (i % 3 == 0 ? s_i x_i : s_i) + x_i^2: ds/dx by the chain rule backwards */
  double s[N + 1];
  s[0] = 1;
  for (int i = 0; i < N; i++) s[i + 1] = (i % 3 == 0 ? s[i] * x[i] : s[i]) + x[i] * x[i];
  double ds = 1;
  for (int i = N - 1; i >= 0; i--) {
    want[i] = ds * (2 * x[i] + (i % 3 == 0 ? s[i] : 0));
    if (i % 3 == 0)
      ds *= x[i];
  }
  check_grad("every_third", fd_third, x, N, dx, want);

  m_split = runtime_m;
  clear(dx, N);
  __enzyme_autodiff((void *)split_at, x, dx, N, m_split);
  for (int i = 0; i < N; i++) {
    double scale = pow(0.5, N - 1 - i);
    want[i] = scale * (i < m_split ? cos(x[i]) : 3 * x[i] * x[i]);
  }
  check_grad("split_at", fd_split, x, N, dx, want);
  return failures != 0;
}
