/* A numerically stable log-sum-exp and softmax cross-entropy: the maximum subtracted
   first (a data-dependent choice whose derivative cancels), exp/log, a local
   probability array; loss = -log softmax(z)_label, dz = softmax(z) - onehot(label). */
#include "check.h"

double xent(const double *z, int n, int label) {
  double m = z[0];
  for (int i = 1; i < n; i++)
    if (z[i] > m) m = z[i];
  double p[16], s = 0;
  for (int i = 0; i < n; i++) {
    p[i] = exp(z[i] - m);
    s += p[i];
  }
  return log(s) + m - z[label];
}

#define N 6
static double fd_xent(const double *p) { return xent(p, N, 2); }

int main(void) {
  double z[N] = {0.5, -1.2, 2.0, 0.3, 1.1, -0.4}, dz[N] = {0}, want[N], s = 0;
  for (int i = 0; i < N; i++) s += exp(z[i]);
  for (int i = 0; i < N; i++) want[i] = exp(z[i]) / s - (i == 2);
  __enzyme_autodiff_v((void *)xent, z, dz, N, 2);
  check_grad("xent", fd_xent, z, N, dz, want);
  double e[N] = {0};
  for (int k = 0; k < N; k++) {
    e[k] = 1;
    check_fwd("xent fwd", __enzyme_fwddiff((void *)xent, z, e, N, 2), dz[k], want[k], 1e-12);
    e[k] = 0;
  }
  return failures != 0;
}
