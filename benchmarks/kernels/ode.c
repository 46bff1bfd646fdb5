/* Explicit ODE integration of a small nonlinear system over many steps: a chain of N
   damped pendulums coupled by springs,

     q_i' = v_i,   v_i' = -k_i sin(q_i) - c v_i + kappa (q_{i-1} - 2 q_i + q_{i+1})

   (fixed ends: q_0 and q_{N+1} are 0), integrated with STEPS steps of size H by the
   explicit Euler method (the default) or, with -DODE_RK4, the classical fourth-order
   Runge-Kutta method. The loss is the energy-like sum_i q_i^2 + v_i^2 / 2 of the final
   state; its gradient is taken with respect to the initial state (q, v) and the
   parameters (k_1..k_N, c, kappa). */
#include "harness.h"

#ifndef ODE_N
#define ODE_N 16
#endif
#ifndef ODE_STEPS
#define ODE_STEPS 5000
#endif
#define ODE_H 1e-3

static void pendulums(int n, const double *y, const double *p, double *dy) {
  const double *q = y, *v = y + n;
  double c = p[n], kappa = p[n + 1];
  for (int i = 0; i < n; i++) {
    double left = i > 0 ? q[i - 1] : 0.0, right = i + 1 < n ? q[i + 1] : 0.0;
    dy[i] = v[i];
    dy[n + i] = -p[i] * sin(q[i]) - c * v[i] + kappa * (left - 2.0 * q[i] + right);
  }
}

static double final_loss(int n, const double *y) {
  double s = 0.0;
  for (int i = 0; i < n; i++) s += y[i] * y[i] + 0.5 * y[n + i] * y[n + i];
  return s;
}

#ifndef ODE_RK4
#define ODE_NAME "ode_euler"
double ode_integrate(int n, int steps, double h, const double *y0, const double *p) {
  double *y = malloc(sizeof(double) * (size_t)(2 * n)), *dy = malloc(sizeof(double) * (size_t)(2 * n));
  for (int i = 0; i < 2 * n; i++) y[i] = y0[i];
  for (int s = 0; s < steps; s++) {
    pendulums(n, y, p, dy);
    for (int i = 0; i < 2 * n; i++) y[i] += h * dy[i];
  }
  double out = final_loss(n, y);
  free(y);
  free(dy);
  return out;
}
#else
#define ODE_NAME "ode_rk4"
double ode_integrate(int n, int steps, double h, const double *y0, const double *p) {
  const int m = 2 * n;
  double *y = malloc(sizeof(double) * (size_t)m), *tmp = malloc(sizeof(double) * (size_t)m);
  double *k1 = malloc(sizeof(double) * (size_t)m), *k2 = malloc(sizeof(double) * (size_t)m);
  double *k3 = malloc(sizeof(double) * (size_t)m), *k4 = malloc(sizeof(double) * (size_t)m);
  for (int i = 0; i < m; i++) y[i] = y0[i];
  for (int s = 0; s < steps; s++) {
    pendulums(n, y, p, k1);
    for (int i = 0; i < m; i++) tmp[i] = y[i] + 0.5 * h * k1[i];
    pendulums(n, tmp, p, k2);
    for (int i = 0; i < m; i++) tmp[i] = y[i] + 0.5 * h * k2[i];
    pendulums(n, tmp, p, k3);
    for (int i = 0; i < m; i++) tmp[i] = y[i] + h * k3[i];
    pendulums(n, tmp, p, k4);
    for (int i = 0; i < m; i++) y[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
  }
  double out = final_loss(n, y);
  free(y);
  free(tmp);
  free(k1);
  free(k2);
  free(k3);
  free(k4);
  return out;
}
#endif

#define NPARAM (2 * ODE_N + ODE_N + 2)

static double params[NPARAM], grad[NPARAM];

static double run_primal(void) { return ode_integrate(ODE_N, ODE_STEPS, ODE_H, params, params + 2 * ODE_N); }

#ifndef BENCH_PRIMAL_ONLY
static void run_gradient(void) {
  memset(grad, 0, sizeof grad);
  __enzyme_autodiff((void *)ode_integrate, enzyme_const, ODE_N, enzyme_const, ODE_STEPS, enzyme_const, ODE_H,
                    enzyme_dup, params, grad, enzyme_dup, params + 2 * ODE_N, grad + 2 * ODE_N);
}
#endif

int main(void) {
  bench_seed(3);
  for (int i = 0; i < ODE_N; i++) params[i] = bench_uniform(-1.0, 1.0);            /* q */
  for (int i = 0; i < ODE_N; i++) params[ODE_N + i] = bench_uniform(-0.5, 0.5);    /* v */
  for (int i = 0; i < ODE_N; i++) params[2 * ODE_N + i] = bench_uniform(2.0, 6.0); /* k */
  params[3 * ODE_N] = 0.3;                                                          /* c */
  params[3 * ODE_N + 1] = 1.5;                                                      /* kappa */
#ifdef BENCH_PRIMAL_ONLY
  bench b = {ODE_NAME, NPARAM, params, grad, run_primal, NULL};
#else
  bench b = {ODE_NAME, NPARAM, params, grad, run_primal, run_gradient};
#endif
  return bench_main(&b);
}
