/* 2-D finite-difference stencil: STEPS explicit steps of the heat equation with a
   spatially varying conductivity on a G x G grid (zero boundary),

     u'_ij = u_ij + r (k_e (u_i,j+1 - u_ij) - k_w (u_ij - u_i,j-1)
                     + k_s (u_i+1,j - u_ij) - k_n (u_ij - u_i-1,j))

   with face conductivities the mean of the two cells' k, two grids swapped every step.
   The loss is sum_ij w_ij u_ij^2 of the final grid (w constant); its gradient is taken with
   respect to the initial temperatures and the conductivity field. */
#include "harness.h"

#ifndef STENCIL_G
#define STENCIL_G 128
#endif
#ifndef STENCIL_STEPS
#define STENCIL_STEPS 50
#endif
#define STENCIL_R 0.1

double heat_loss(int g, int steps, double r, const double *u0, const double *kappa, const double *w) {
  const int s = g + 2; /* row length with the boundary */
  double *cur = calloc((size_t)(s * s), sizeof(double)), *next = calloc((size_t)(s * s), sizeof(double));
  double *k = calloc((size_t)(s * s), sizeof(double));
  for (int i = 0; i < g; i++)
    for (int j = 0; j < g; j++) {
      cur[(i + 1) * s + j + 1] = u0[i * g + j];
      k[(i + 1) * s + j + 1] = kappa[i * g + j];
    }
  for (int t = 0; t < steps; t++) {
    for (int i = 1; i <= g; i++)
      for (int j = 1; j <= g; j++) {
        int c = i * s + j;
        double u = cur[c], kc = k[c];
        double ke = 0.5 * (kc + k[c + 1]), kw = 0.5 * (kc + k[c - 1]);
        double ks = 0.5 * (kc + k[c + s]), kn = 0.5 * (kc + k[c - s]);
        next[c] = u + r * (ke * (cur[c + 1] - u) - kw * (u - cur[c - 1]) + ks * (cur[c + s] - u) -
                           kn * (u - cur[c - s]));
      }
    double *swap = cur;
    cur = next;
    next = swap;
  }
  double loss = 0.0;
  for (int i = 0; i < g; i++)
    for (int j = 0; j < g; j++) {
      double u = cur[(i + 1) * s + j + 1];
      loss += w[i * g + j] * u * u;
    }
  free(cur);
  free(next);
  free(k);
  return loss;
}

#define CELLS (STENCIL_G * STENCIL_G)

static double params[2 * CELLS], grad[2 * CELLS], weights[CELLS];

static double run_primal(void) {
  return heat_loss(STENCIL_G, STENCIL_STEPS, STENCIL_R, params, params + CELLS, weights);
}

#ifndef BENCH_PRIMAL_ONLY
static void run_gradient(void) {
  memset(grad, 0, sizeof grad);
  __enzyme_autodiff((void *)heat_loss, enzyme_const, STENCIL_G, enzyme_const, STENCIL_STEPS, enzyme_const, STENCIL_R,
                    enzyme_dup, params, grad, enzyme_dup, params + CELLS, grad + CELLS, enzyme_const, weights);
}
#endif

int main(void) {
  bench_seed(17);
  for (int i = 0; i < CELLS; i++) params[i] = bench_uniform(0.0, 1.0);
  for (int i = 0; i < CELLS; i++) params[CELLS + i] = bench_uniform(0.5, 1.5);
  for (int i = 0; i < CELLS; i++) weights[i] = bench_uniform(0.5, 1.5);
#ifdef BENCH_PRIMAL_ONLY
  bench b = {"stencil", 2 * CELLS, params, grad, run_primal, NULL};
#else
  bench b = {"stencil", 2 * CELLS, params, grad, run_primal, run_gradient};
#endif
  return bench_main(&b);
}
