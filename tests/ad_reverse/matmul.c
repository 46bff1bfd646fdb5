/* Triply nested loops: C = A B into a duplicated output, seeded with a weight matrix W,
   so dA = W B^T and dB = A^T W; A is 3x4, B is 4x2, C accumulated in place (C starts
   zeroed by the function with memset). */
#include "check.h"

#define R 3
#define K 4
#define Q 2

void matmul(const double *A, const double *B, double *C, int r, int k, int q) {
  memset(C, 0, r * q * sizeof(double));
  for (int i = 0; i < r; i++)
    for (int l = 0; l < k; l++)
      for (int j = 0; j < q; j++) C[i * q + j] += A[i * k + l] * B[l * q + j];
}

static double Wm[R * Q];
static double fd_mm(const double *p) {
  double C[R * Q];
  matmul(p, p + R * K, C, R, K, Q);
  return vdot(Wm, C, R * Q);
}

int main(void) {
  double p[R * K + K * Q], g[R * K + K * Q] = {0}, want[R * K + K * Q] = {0};
  for (int i = 0; i < R * K + K * Q; i++) p[i] = 0.4 * sin(0.9 * i + 0.3);
  for (int i = 0; i < R * Q; i++) Wm[i] = 1.0 - 0.3 * i;
  double *A = p, *B = p + R * K, C[R * Q], dC[R * Q];
  memcpy(dC, Wm, sizeof dC);
  __enzyme_autodiff_v((void *)matmul, A, g, B, g + R * K, C, dC, R, K, Q);
  for (int i = 0; i < R; i++)
    for (int l = 0; l < K; l++)
      for (int j = 0; j < Q; j++) {
        want[i * K + l] += Wm[i * Q + j] * B[l * Q + j];
        want[R * K + l * Q + j] += A[i * K + l] * Wm[i * Q + j];
      }
  check_grad("matmul", fd_mm, p, R * K + K * Q, g, want);
  for (int q = 0; q < R * K + K * Q; q += 2) {
    double t[R * K + K * Q] = {0}, tC[R * Q] = {0};
    t[q] = 1;
    __enzyme_fwddiff_v((void *)matmul, A, t, B, t + R * K, C, tC, R, K, Q);
    check_fwd("matmul fwd", vdot(Wm, tC, R * Q), g[q], want[q], 1e-12);
  }
  return failures != 0;
}
