/* A physics kernel: the potential energy of a chain of springs between 2-D points plus
   gravity, V = sum_i k/2 (|p_(i+1) - p_i| - L)^2 + sum_i m g y_i; its gradient (minus
   the forces) with respect to every coordinate. */
#include "check.h"

#define NP 5

double chain_energy(const double *p, int n, double k, double L) {
  double v = 0;
  for (int i = 0; i + 1 < n; i++) {
    double dx = p[2 * i + 2] - p[2 * i], dy = p[2 * i + 3] - p[2 * i + 1];
    double r = sqrt(dx * dx + dy * dy);
    v += 0.5 * k * (r - L) * (r - L);
  }
  for (int i = 0; i < n; i++) v += 0.3 * 9.81 * p[2 * i + 1];
  return v;
}

static double fd_chain(const double *p) { return chain_energy(p, NP, 40.0, 1.0); }

int main(void) {
  double p[2 * NP], dp[2 * NP] = {0}, want[2 * NP] = {0}, k = 40.0, L = 1.0;
  for (int i = 0; i < NP; i++) {
    p[2 * i] = 1.1 * i + 0.05 * (i % 2);
    p[2 * i + 1] = -0.2 * i * i + 0.1;
  }
  __enzyme_autodiff_v((void *)chain_energy, p, dp, NP, enzyme_const, k, enzyme_const, L);
  for (int i = 0; i + 1 < NP; i++) {
    double dx = p[2 * i + 2] - p[2 * i], dy = p[2 * i + 3] - p[2 * i + 1];
    double r = sqrt(dx * dx + dy * dy), f = k * (r - L) / r;
    want[2 * i + 2] += f * dx, want[2 * i + 3] += f * dy;
    want[2 * i] -= f * dx, want[2 * i + 1] -= f * dy;
  }
  for (int i = 0; i < NP; i++) want[2 * i + 1] += 0.3 * 9.81;
  check_grad("chain", fd_chain, p, 2 * NP, dp, want);
  double t[2 * NP] = {0};
  for (int q = 0; q < 2 * NP; q++) {
    t[q] = 1;
    check_fwd("chain fwd", __enzyme_fwddiff((void *)chain_energy, p, t, NP, enzyme_const, k,
                                            enzyme_const, L),
              dp[q], want[q], 1e-12);
    t[q] = 0;
  }
  return failures != 0;
}
