/* A 1-D three-point stencil, STEPS steps between two work buffers of the caller's (which
   may overlap, so clang 22 -O2 vectorizes the loop behind a run-time check, interleaved:
   it loads a[i-1..i], a[i..i+1], a[i+1..i+2] and the same 16 bytes further on, and the
   adjoints of these loads, overlapping in part, are summed in registers before they
   reach the shadow), and an in-place accumulation acc[i] += w[i] a[i] (loads acc[i..i+1]
   and acc[i+2..i+3] and stores both after: each an update whose shadow the reverse sweep
   leaves alone). Checked against the transposed stencil applied backwards by hand and
   against finite differences. */
#include "check.h"

#define N 37
#define STEPS 5

/* a_(t+1)[i] = a_t[i-1] / 4 + a_t[i] / 2 + a_t[i+1] / 4 - a_t[i]^2 / 20 inside, the ends
   kept; acc = w * a_S + (a_S shifted by one); L = sum acc^2 */
double smooth(const double *x0, const double *w, double *a, double *b, int n, int steps) {
  double *acc = malloc(sizeof(double) * (size_t)n);
  memcpy(a, x0, sizeof(double) * (size_t)n);
  b[0] = a[0];
  b[n - 1] = a[n - 1];
  for (int t = 0; t < steps; t++) {
    for (int i = 1; i < n - 1; i++)
      b[i] = 0.25 * a[i - 1] + 0.5 * a[i] + 0.25 * a[i + 1] - 0.05 * a[i] * a[i];
    double *s = a;
    a = b;
    b = s;
  }
  acc[0] = 0.0;
  for (int i = 1; i < n; i++) acc[i] = a[i - 1];
  for (int i = 0; i < n; i++) acc[i] += w[i] * a[i];
  double loss = 0.0;
  for (int i = 0; i < n; i++) loss += acc[i] * acc[i];
  free(acc);
  return loss;
}

static double fd_smooth(const double *p) {
  double a[N], b[N];
  return smooth(p, p + N, a, b, N, STEPS);
}

int main(void) {
  double p[2 * N], got[2 * N] = {0}, want[2 * N], wa[N], wb[N], dwa[N] = {0}, dwb[N] = {0};
  for (int i = 0; i < N; i++) {
    p[i] = 0.8 * sin(0.7 * i) + 0.3;
    p[N + i] = 0.5 + 0.4 * cos(1.3 * i);
  }
  __enzyme_autodiff_v((void *)smooth, enzyme_dup, p, got, enzyme_dup, p + N, got + N,
                      enzyme_dup, wa, dwa, enzyme_dup, wb, dwb, enzyme_const, N, enzyme_const, STEPS);

  /* by hand: every state forward, then the adjoint backwards */
  double a[STEPS + 1][N], g[N], h[N];
  memcpy(a[0], p, sizeof a[0]);
  for (int t = 0; t < STEPS; t++) {
    a[t + 1][0] = a[t][0];
    a[t + 1][N - 1] = a[t][N - 1];
    for (int i = 1; i < N - 1; i++)
      a[t + 1][i] = 0.25 * a[t][i - 1] + 0.5 * a[t][i] + 0.25 * a[t][i + 1] -
                    0.05 * a[t][i] * a[t][i];
  }
  const double *w = p + N, *as = a[STEPS];
  clear(g, N);
  for (int i = 0; i < N; i++) {
    double acc = (i ? as[i - 1] : 0.0) + w[i] * as[i];
    want[N + i] = 2 * acc * as[i];
    g[i] += 2 * acc * w[i];
    if (i)
      g[i - 1] += 2 * acc;
  }
  for (int t = STEPS - 1; t >= 0; t--) {
    clear(h, N);
    h[0] += g[0];
    h[N - 1] += g[N - 1];
    for (int i = 1; i < N - 1; i++) {
      h[i - 1] += 0.25 * g[i];
      h[i] += (0.5 - 0.1 * a[t][i]) * g[i];
      h[i + 1] += 0.25 * g[i];
    }
    memcpy(g, h, sizeof g);
  }
  memcpy(want, g, sizeof g);
  check_grad("smooth", fd_smooth, p, 2 * N, got, want);
  return failures != 0;
}
