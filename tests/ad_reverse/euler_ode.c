/* A physics kernel: a damped oscillator x' = v, v' = -k x - c v integrated by explicit
   Euler for a run-time number of steps, the state updated in place. The state is
   duplicated (seeded on the final state, it returns the gradient with respect to the
   initial state), k and c are active (their derivatives come back as a struct), dt and
   the step count constant. Each step is s <- A s with A = [[1, dt], [-k dt, 1 - c dt]],
   so the hand-derived gradients are products of 2x2 matrices. */
#include "check.h"

void integrate(double *s, double k, double c, int steps, double dt) {
  for (int i = 0; i < steps; i++) {
    double x = s[0], v = s[1];
    s[0] = x + dt * v;
    s[1] = v + dt * (-k * x - c * v);
  }
}

static const double seed[2] = {1.0, 0.5};
static int steps;
static double fd_int(const double *p) {
  double s[2] = {p[0], p[1]};
  integrate(s, p[2], p[3], steps, 0.05);
  return vdot(seed, s, 2);
}

static void mat_vec(const double A[2][2], const double *u, double *r) {
  double r0 = A[0][0] * u[0] + A[0][1] * u[1], r1 = A[1][0] * u[0] + A[1][1] * u[1];
  r[0] = r0, r[1] = r1;
}

static volatile int runtime_steps = 40;

int main(void) {
  steps = runtime_steps;
  double k = 2.5, c = 0.3, dt = 0.05, s0[2] = {1.0, -0.4};
  double s[2] = {s0[0], s0[1]}, ds[2] = {seed[0], seed[1]};
  grad2 d = __enzyme_autodiff2((void *)integrate, s, ds, k, c, enzyme_const, steps,
                               enzyme_const, dt);
  /* states S_j = A^j s0; adjoints G_j = (A^T)^(steps - j) seed; dA/dk = [[0,0],[-dt,0]],
     dA/dc = [[0,0],[0,-dt]]: d/dk = sum_j G_(j+1)[1] (-dt) S_j[0], likewise for c */
  double A[2][2] = {{1, dt}, {-k * dt, 1 - c * dt}}, At[2][2] = {{1, -k * dt}, {dt, 1 - c * dt}};
  double S[64][2], G[2] = {seed[0], seed[1]}, wk = 0, wc = 0;
  S[0][0] = s0[0], S[0][1] = s0[1];
  for (int j = 0; j < steps; j++) mat_vec(A, S[j], S[j + 1]);
  for (int j = steps - 1; j >= 0; j--) {
    wk += G[1] * -dt * S[j][0];
    wc += G[1] * -dt * S[j][1];
    mat_vec(At, G, G);
  }
  double want[4] = {G[0], G[1], wk, wc}, got[4] = {ds[0], ds[1], d.dx, d.dy};
  double p[4] = {s0[0], s0[1], k, c};
  check_grad("integrate", fd_int, p, 4, got, want);
  check("final x", s[0], S[steps][0], 1e-12);
  for (int q = 0; q < 4; q++) {
    double st[2] = {s0[0], s0[1]}, t[2] = {q == 0, q == 1};
    __enzyme_fwddiff_v((void *)integrate, st, t, k, (double)(q == 2), c, (double)(q == 3),
                       enzyme_const, steps, enzyme_const, dt);
    check_fwd("integrate fwd", vdot(seed, t, 2), got[q], want[q], 1e-12);
  }
  return failures != 0;
}
