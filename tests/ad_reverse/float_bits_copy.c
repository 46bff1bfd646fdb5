/* Doubles copied as integers: clang -O2 turns a one-double memcpy into `load i64` /
   `store i64` (the bits also read back through `bitcast i64 to double`), and a union
   punning a double through a 64-bit integer moves the same bits. The adjoint travels with
   the bits: the gradient must not lose it. */
#include <stdint.h>
#include "check.h"

double head_copy(const double *x, int n) {
  double *t = malloc(4 * sizeof(double));
  t[0] = x[1]; t[1] = x[2]; t[2] = x[3]; t[3] = 0.25;
  memcpy(t, x, sizeof(double));       /* t[0] = x[0], as i64 bits at -O2 */
  for (int i = 0; i < n; i++) t[i % 4] -= 0.5 * sin(t[(i + 1) % 4]);
  double r = t[0] * t[0] + 3 * t[1] + t[3];
  free(t);
  return r;
}

union pun { double d; uint64_t bits; };

double punned(const double *x, int n) {
  union pun u;
  u.d = x[0] * x[1];
  uint64_t b = u.bits;                /* the product's bits through an integer */
  union pun v;
  v.bits = n > 0 ? b : 0;
  return v.d * x[2];
}

#define N 4
static double fd_head(const double *p) { return head_copy(p, 2); }
static double fd_pun(const double *p) { return punned(p, 1); }

int main(void) {
  double x[N] = {0.7, -0.4, 1.3, 0.9}, dx[N] = {0};
  /* t = {x0, x2, x3, .25} (x1 overwritten by the memcpy); i=0: t0 -= .5 sin(t1) with
     t1 = x2; i=1: t1 -= .5 sin(t2) with t2 = x3; r = t0^2 + 3 t1 + .25 */
  double t0 = x[0] - 0.5 * sin(x[2]);
  double want[N] = {2 * t0, 0, 2 * t0 * (-0.5 * cos(x[2])) + 3, 3 * (-0.5 * cos(x[3]))};
  __enzyme_autodiff_v((void *)head_copy, x, dx, enzyme_const, 2);
  check_grad("memcpy as i64", fd_head, x, N, dx, want);
  double e[N] = {0};
  for (int k = 0; k < N; k++) {
    e[k] = 1;
    check_fwd("memcpy as i64 fwd", __enzyme_fwddiff((void *)head_copy, x, e, enzyme_const, 2),
              dx[k], want[k], 1e-12);
    e[k] = 0;
  }

  double dp[N] = {0};
  double want_p[N] = {x[1] * x[2], x[0] * x[2], x[0] * x[1], 0};
  __enzyme_autodiff_v((void *)punned, x, dp, enzyme_const, 1);
  check_grad("union pun", fd_pun, x, N, dp, want_p);
  return failures != 0;
}
