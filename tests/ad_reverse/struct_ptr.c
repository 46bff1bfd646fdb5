/* A struct of doubles passed by pointer (an array of particles, every field active):
   E = sum_i m_i (vx_i^2 + vy_i^2) / 2 - sum_(i<j) m_i m_j / r_ij; and a void function
   updating the structs in place (a symplectic Euler step), seeded on the new state. */
#include "check.h"

struct particle {
  double x, y, vx, vy, m;
};

double energy(const struct particle *p, int n) {
  double e = 0;
  for (int i = 0; i < n; i++) {
    e += 0.5 * p[i].m * (p[i].vx * p[i].vx + p[i].vy * p[i].vy);
    for (int j = i + 1; j < n; j++) {
      double dx = p[i].x - p[j].x, dy = p[i].y - p[j].y;
      e -= p[i].m * p[j].m / sqrt(dx * dx + dy * dy);
    }
  }
  return e;
}

void kick(struct particle *p, int n, double dt) {
  for (int i = 0; i < n; i++) {
    p[i].vx -= dt * p[i].x;
    p[i].vy -= dt * p[i].y * p[i].m;
    p[i].x += dt * p[i].vx;
  }
}

#define N 3
#define F (5 * N)
static double fd_energy(const double *q) {
  struct particle p[N];
  memcpy(p, q, sizeof p);
  return energy(p, N);
}
static double seed[F];
static double fd_kick(const double *q) {
  struct particle p[N];
  memcpy(p, q, sizeof p);
  kick(p, N, 0.1);
  return vdot(seed, (double *)p, F);
}

int main(void) {
  struct particle p[N] = {{0.0, 0.0, 0.3, -0.2, 1.5},
                          {1.0, 0.5, -0.1, 0.4, 0.8},
                          {-0.4, 1.2, 0.2, 0.1, 1.1}},
                  dp[N];
  memset(dp, 0, sizeof dp);
  __enzyme_autodiff_v((void *)energy, p, dp, N);
  struct particle w[N];
  memset(w, 0, sizeof w);
  for (int i = 0; i < N; i++) {
    w[i].vx = p[i].m * p[i].vx;
    w[i].vy = p[i].m * p[i].vy;
    w[i].m = 0.5 * (p[i].vx * p[i].vx + p[i].vy * p[i].vy);
    for (int j = 0; j < N; j++) {
      if (j == i) continue;
      double dx = p[i].x - p[j].x, dy = p[i].y - p[j].y, r = sqrt(dx * dx + dy * dy);
      w[i].m -= p[j].m / r;
      w[i].x += p[i].m * p[j].m * dx / (r * r * r);
      w[i].y += p[i].m * p[j].m * dy / (r * r * r);
    }
  }
  check_grad("energy", fd_energy, (double *)p, F, (double *)dp, (double *)w);
  struct particle t[N];
  for (int k = 0; k < F; k++) {
    memset(t, 0, sizeof t);
    ((double *)t)[k] = 1;
    check_fwd("energy fwd", __enzyme_fwddiff((void *)energy, p, t, N), ((double *)dp)[k],
              ((double *)w)[k], 1e-12);
  }

  /* kick: vx' = vx - dt x, vy' = vy - dt y m, x' = x + dt vx', y' = y, m' = m */
  struct particle q[N], dq[N], wk[N];
  memcpy(q, p, sizeof q);
  for (int k = 0; k < F; k++) seed[k] = 0.1 * k - 0.6;
  memcpy(dq, seed, sizeof dq);
  __enzyme_autodiff_v((void *)kick, q, dq, N, enzyme_const, 0.1);
  double dt = 0.1;
  for (int i = 0; i < N; i++) {
    struct particle s = ((struct particle *)seed)[i];
    double gvx = s.vx + dt * s.x; /* adjoint of the new vx */
    wk[i].x = s.x - dt * gvx;
    wk[i].y = s.y - dt * p[i].m * s.vy;
    wk[i].vx = gvx;
    wk[i].vy = s.vy;
    wk[i].m = s.m - dt * p[i].y * s.vy;
  }
  check_grad("kick", fd_kick, (double *)p, F, (double *)dq, (double *)wk);
  for (int k = 0; k < F; k++) {
    memcpy(q, p, sizeof q);
    memset(t, 0, sizeof t);
    ((double *)t)[k] = 1;
    __enzyme_fwddiff_v((void *)kick, q, t, N, enzyme_const, 0.1);
    check_fwd("kick fwd", vdot(seed, (double *)t, F), ((double *)dq)[k], ((double *)wk)[k],
              1e-12);
  }
  return failures != 0;
}
