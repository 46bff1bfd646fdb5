/* Nested loops: a quadratic form x^T A x (a full double loop) plus a triangular double
   loop whose inner bound is the outer index; A and x duplicated, n constant. */
#include "check.h"

double quad(const double *A, const double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) s += A[i * n + j] * x[i] * x[j];
  for (int i = 0; i < n; i++)
    for (int j = 0; j <= i; j++) s += (i - j + 1) * x[i] * x[j] * x[j];
  return s;
}

#define N 4
static double fd_quad(const double *p) { return quad(p, p + N * N, N); }

int main(void) {
  double A[N * N], x[N] = {0.3, -0.7, 1.1, 0.45}, dA[N * N] = {0}, dx[N] = {0};
  for (int k = 0; k < N * N; k++) A[k] = 0.1 * k - 0.6 + 0.05 * (k % 3);
  __enzyme_autodiff_v((void *)quad, A, dA, x, dx, N);
  double want[N * N + N] = {0}, got[N * N + N], p[N * N + N];
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      want[i * N + j] = x[i] * x[j];
      want[N * N + i] += A[i * N + j] * x[j] + A[j * N + i] * x[j];
    }
  for (int i = 0; i < N; i++)
    for (int j = 0; j <= i; j++) {
      double c = i - j + 1;
      want[N * N + i] += c * x[j] * x[j];
      want[N * N + j] += 2 * c * x[i] * x[j];
    }
  memcpy(got, dA, sizeof dA);
  memcpy(got + N * N, dx, sizeof dx);
  memcpy(p, A, sizeof A);
  memcpy(p + N * N, x, sizeof x);
  check_grad("quad", fd_quad, p, N * N + N, got, want);
  double tA[N * N] = {0}, tx[N] = {0};
  for (int k = 0; k < N * N + N; k++) {
    if (k < N * N) tA[k] = 1; else tx[k - N * N] = 1;
    check_fwd("quad fwd", __enzyme_fwddiff((void *)quad, A, tA, x, tx, N), got[k], want[k],
              1e-12);
    if (k < N * N) tA[k] = 0; else tx[k - N * N] = 0;
  }
  return failures != 0;
}
