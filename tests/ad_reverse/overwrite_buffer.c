/* A running buffer reused: a ring of three slots r[i % 3] overwritten every iteration
   of a recurrence (r_i = x r_(i-1) + c r_(i-2)), so each value the reverse pass needs
   is gone from memory by the end; and a scratch slot in the caller's memory rewritten
   n times (duplicated, its final value seeded). */
#include "check.h"

double ring(double x, double c, int n) {
  double r[3];
  r[0] = 1;
  r[1] = x;
  for (int i = 2; i < n; i++) r[i % 3] = x * r[(i - 1) % 3] + c * r[(i - 2) % 3];
  return r[(n - 1) % 3];
}

double slot(const double *a, double *tmp, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    *tmp = a[i] * a[i] + *tmp * 0.5;
    s += *tmp * a[i];
  }
  return s;
}

static double fd_ring(const double *p) { return ring(p[0], p[1], 10); }
#define N 4
static double fd_slot(const double *p) {
  double tmp = p[N];
  double s = slot(p, &tmp, N);
  return s + 2.0 * tmp; /* the seed 2 on the final tmp */
}

int main(void) {
  /* R_i and its derivatives: dR_i/dx = R_(i-1) + x dR_(i-1)/dx + c dR_(i-2)/dx,
     dR_i/dc = x dR_(i-1)/dc + R_(i-2) + c dR_(i-2)/dc */
  double x = 0.7, c = 0.45, R[10], Rx[10], Rc[10];
  R[0] = 1, R[1] = x, Rx[0] = 0, Rx[1] = 1, Rc[0] = Rc[1] = 0;
  for (int i = 2; i < 10; i++) {
    R[i] = x * R[i - 1] + c * R[i - 2];
    Rx[i] = R[i - 1] + x * Rx[i - 1] + c * Rx[i - 2];
    Rc[i] = x * Rc[i - 1] + R[i - 2] + c * Rc[i - 2];
  }
  grad2 d = __enzyme_autodiff2((void *)ring, x, c, 10);
  double p[2] = {x, c}, got[2] = {d.dx, d.dy}, want[2] = {Rx[9], Rc[9]};
  check_grad("ring", fd_ring, p, 2, got, want);
  check_fwd("ring fwd x", __enzyme_fwddiff((void *)ring, x, 1.0, c, 0.0, 10), d.dx, want[0],
            1e-12);
  check_fwd("ring fwd c", __enzyme_fwddiff((void *)ring, x, 0.0, c, 1.0, 10), d.dy, want[1],
            1e-12);

  /* T_i = a_i^2 + T_(i-1) / 2, s = sum T_i a_i, L = s + 2 T_(N-1); by hand, backwards:
     the adjoint of T_i is gT_i = a_i + gT_(i+1) / 2 (gT_N = 2) */
  double a[N] = {0.6, -0.9, 1.2, 0.3}, tmp0 = 0.8, T[N], gT[N + 1], wa[N + 1];
  for (int i = 0; i < N; i++) T[i] = a[i] * a[i] + (i ? T[i - 1] : tmp0) * 0.5;
  gT[N] = 2.0;
  double carry = 2.0;
  for (int i = N - 1; i >= 0; i--) {
    gT[i] = a[i] + carry;
    wa[i] = T[i] + gT[i] * 2 * a[i];
    carry = gT[i] * 0.5;
  }
  wa[N] = carry; /* d/d tmp0 */
  double da[N] = {0}, tmp = tmp0, dtmp = 2.0, ps[N + 1], gs[N + 1];
  __enzyme_autodiff_v((void *)slot, a, da, &tmp, &dtmp, N);
  memcpy(ps, a, sizeof a);
  ps[N] = tmp0;
  memcpy(gs, da, sizeof da);
  gs[N] = dtmp;
  check_grad("slot", fd_slot, ps, N + 1, gs, wa);
  double e[N] = {0};
  for (int k = 0; k <= N; k++) {
    double t0 = tmp0, dt0 = k == N;
    if (k < N) e[k] = 1;
    double t = __enzyme_fwddiff((void *)slot, a, e, &t0, &dt0, N);
    check_fwd("slot fwd", t + 2.0 * dt0, gs[k], wa[k], 1e-12);
    if (k < N) e[k] = 0;
  }
  return failures != 0;
}
