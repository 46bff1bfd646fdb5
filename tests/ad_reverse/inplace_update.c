/* In-place updates `y[i] += e` (the reverse sweep leaves their shadow alone): a
   matrix-vector product accumulated into a heap row (fmuladd at -O2, vectorized), a
   difference `y[i] -= e`, a sum written `e + y[i]`, and updates that are not in place: the
   old value used twice (`y[i] += y[i] * w`) and another store between the load and the
   store (through an argument that may alias). Checked against hand-derived gradients and
   finite differences. */
#include "check.h"

#define N 7
#define M 5

/* sum_i tanh(y_i), y = A x accumulated in place column by column (every step of the inner
   loop reads and writes y[i]), then y -= 0.5 x and y = x^2 + y (first m entries) */
double matvec(const double *a, const double *x, int m, int n) {
  double *y = calloc((size_t)m, sizeof(double));
  for (int j = 0; j < n; j++)
    for (int i = 0; i < m; i++) y[i] += a[i * n + j] * x[j];
  for (int i = 0; i < m; i++) y[i] -= 0.5 * x[i];
  for (int i = 0; i < m; i++) y[i] = x[i] * x[i] + y[i];
  double s = 0;
  for (int i = 0; i < m; i++) s += tanh(y[i]);
  free(y);
  return s;
}

/* y_i += y_i w_i: the old value is read twice */
double twice(double *y, const double *w) {
  for (int i = 0; i < N; i++) y[i] += y[i] * w[i];
  double s = 0;
  for (int i = 0; i < N; i++) s += y[i] * y[i];
  return s;
}

/* y_i = y_i + 2 z_0 with z the same array: the store into z[0] (i == 0) lies between
   the load of y[1] and its store in no iteration, but z[0] written through z each
   iteration before y's load and store */
double aliased(double *y, double *z) {
  for (int i = 1; i < N; i++) {
    double old = y[i];
    z[0] = z[0] * 1.5;
    y[i] = old + 2 * z[0];
  }
  double s = 0;
  for (int i = 0; i < N; i++) s += sin(y[i]);
  return s;
}

static double a0[M * N];
static double fd_matvec(const double *p) { return matvec(p, p + M * N, M, N); }
static double fd_twice(const double *p) {
  double y[N];
  memcpy(y, p, sizeof y);
  return twice(y, p + N);
}
static double fd_aliased(const double *p) {
  double y[N];
  memcpy(y, p, sizeof y);
  return aliased(y, y);
}

int main(void) {
  double p[M * N + N], dp[M * N + N], want[M * N + N];
  for (int i = 0; i < M * N; i++) a0[i] = p[i] = 0.3 * sin(1.7 * i) + 0.1;
  for (int j = 0; j < N; j++) p[M * N + j] = 0.8 * cos(0.9 * j) - 0.2;
  clear(dp, M * N + N);
  __enzyme_autodiff((void *)matvec, enzyme_dup, p, dp, enzyme_dup, p + M * N, dp + M * N,
                    enzyme_const, M, enzyme_const, N);
  {
    const double *x = p + M * N;
    clear(want, M * N + N);
    for (int i = 0; i < M; i++) {
      double y = -0.5 * x[i] + x[i] * x[i];
      for (int j = 0; j < N; j++) y += p[i * N + j] * x[j];
      double g = 1 - tanh(y) * tanh(y);
      for (int j = 0; j < N; j++) {
        want[i * N + j] = g * x[j];
        want[M * N + j] += g * p[i * N + j];
      }
      want[M * N + i] += g * (2 * x[i] - 0.5);
    }
  }
  check_grad("matvec", fd_matvec, p, M * N + N, dp, want);

  double q[2 * N], y[N], dy[N], dw[N], wq[2 * N];
  for (int i = 0; i < 2 * N; i++) q[i] = 0.4 + 0.15 * i - 0.02 * i * i;
  memcpy(y, q, sizeof y);
  clear(dy, N);
  clear(dw, N);
  __enzyme_autodiff((void *)twice, enzyme_dup, y, dy, enzyme_dup, q + N, dw);
  for (int i = 0; i < N; i++) {
    double w = q[N + i], v = q[i] * (1 + w);
    wq[i] = 2 * v * (1 + w);
    wq[N + i] = 2 * v * q[i];
  }
  double both[2 * N];
  memcpy(both, dy, sizeof dy);
  memcpy(both + N, dw, sizeof dw);
  check_grad("twice", fd_twice, q, 2 * N, both, wq);

  memcpy(y, q, sizeof y);
  clear(dy, N);
  __enzyme_autodiff((void *)aliased, enzyme_dup, y, dy, enzyme_dup, y, dy);
  {
    /* z[0] = y0 1.5^k after k iterations; y_i = y_i + 2 y0 1.5^i */
    double g0 = cos(q[0] * pow(1.5, N - 1));
    double wa[N];
    wa[0] = g0 * pow(1.5, N - 1);
    for (int i = 1; i < N; i++) {
      double c = cos(q[i] + 2 * q[0] * pow(1.5, i));
      wa[i] = c;
      wa[0] += c * 2 * pow(1.5, i);
    }
    check_grad("aliased", fd_aliased, q, N, dy, wa);
  }
  return failures != 0;
}
