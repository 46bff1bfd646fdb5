/* Shuffles: complex multiplication on interleaved (re, im) arrays, which the -O2 SLP
   vectorizer turns into <2 x double> operations with lane swaps, and the same written
   with clang vector extensions and __builtin_shufflevector (shufflevector at every
   optimisation level). z_k = a_k b_k; the output shadow is seeded with weights. */
#include "check.h"

typedef double v2d __attribute__((vector_size(16)));

void cmul(const double *a, const double *b, double *z, int n) {
  for (int k = 0; k < n; k++) {
    double ar = a[2 * k], ai = a[2 * k + 1], br = b[2 * k], bi = b[2 * k + 1];
    z[2 * k] = ar * br - ai * bi;
    z[2 * k + 1] = ar * bi + ai * br;
  }
}

void cmul_vec(const double *a, const double *b, double *z, int n) {
  for (int k = 0; k < n; k++) {
    v2d va, vb;
    memcpy(&va, a + 2 * k, sizeof va);
    memcpy(&vb, b + 2 * k, sizeof vb);
    v2d re = __builtin_shufflevector(va, va, 0, 0);  /* (ar, ar) */
    v2d im = __builtin_shufflevector(va, va, 1, 1);  /* (ai, ai) */
    v2d sw = __builtin_shufflevector(vb, vb, 1, 0);  /* (bi, br) */
    v2d sign = {-1.0, 1.0};
    v2d r = re * vb + im * sw * sign;
    memcpy(z + 2 * k, &r, sizeof r);
  }
}

#define N 5
static double Wt[2 * N];
static int use_vec;
static double fd_cmul(const double *p) {
  double z[2 * N];
  (use_vec ? cmul_vec : cmul)(p, p + 2 * N, z, N);
  return vdot(Wt, z, 2 * N);
}

int main(void) {
  double a[2 * N], b[2 * N], p[4 * N], want[4 * N];
  for (int i = 0; i < 2 * N; i++) {
    a[i] = sin(1.1 * i) + 0.2;
    b[i] = cos(0.7 * i) - 0.1 * i;
    Wt[i] = 0.5 + 0.25 * i;
    p[i] = a[i], p[2 * N + i] = b[i];
  }
  for (int k = 0; k < N; k++) {
    double wr = Wt[2 * k], wi = Wt[2 * k + 1], ar = a[2 * k], ai = a[2 * k + 1];
    double br = b[2 * k], bi = b[2 * k + 1];
    want[2 * k] = wr * br + wi * bi;
    want[2 * k + 1] = -wr * bi + wi * br;
    want[2 * N + 2 * k] = wr * ar + wi * ai;
    want[2 * N + 2 * k + 1] = -wr * ai + wi * ar;
  }
  /* one block per function, so that no call's first argument is a select of the two */
#define RUN(FN, VEC)                                                                   \
  do {                                                                                 \
    double g[4 * N] = {0}, z[2 * N], dz[2 * N];                                        \
    use_vec = VEC;                                                                     \
    memcpy(dz, Wt, sizeof dz);                                                         \
    __enzyme_autodiff_v((void *)FN, a, g, b, g + 2 * N, z, dz, N);                     \
    check_grad(#FN, fd_cmul, p, 4 * N, g, want);                                       \
    for (int q = 0; q < 4 * N; q += 3) {                                               \
      double t[4 * N] = {0}, tz[2 * N] = {0};                                          \
      t[q] = 1;                                                                        \
      __enzyme_fwddiff_v((void *)FN, a, t, b, t + 2 * N, z, tz, N);                    \
      check_fwd(#FN " fwd", vdot(Wt, tz, 2 * N), g[q], want[q], 1e-12);                \
    }                                                                                  \
  } while (0)
  RUN(cmul, 0);
  RUN(cmul_vec, 1);
  return failures != 0;
}
