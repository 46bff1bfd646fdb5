/* A small ML kernel: the L2-regularised logistic-regression loss over a data set,
   L = (1/m) sum_i log(1 + exp(-y_i (w . x_i + b))) + lambda/2 |w|^2, with the weights
   duplicated, the bias an active double (its derivative is the result), the data and
   labels constant pointers. */
#include "check.h"

#define M 8
#define D 3

double logreg(const double *w, double b, const double *X, const double *y, int m, int d,
              double lambda) {
  double l = 0;
  for (int i = 0; i < m; i++) {
    double z = b;
    for (int j = 0; j < d; j++) z += w[j] * X[i * d + j];
    l += log(1 + exp(-y[i] * z));
  }
  l /= m;
  for (int j = 0; j < d; j++) l += 0.5 * lambda * w[j] * w[j];
  return l;
}

static double X[M * D], Y[M];
static double fd_logreg(const double *p) { return logreg(p, p[D], X, Y, M, D, 0.1); }

int main(void) {
  for (int i = 0; i < M; i++) {
    for (int j = 0; j < D; j++) X[i * D + j] = sin(1.3 * i + 0.7 * j);
    Y[i] = (i % 3 == 0) ? -1 : 1;
  }
  double w[D] = {0.4, -0.3, 0.8}, dw[D] = {0}, b = 0.15, lambda = 0.1;
  double want[D + 1] = {0};
  for (int i = 0; i < M; i++) {
    double z = b;
    for (int j = 0; j < D; j++) z += w[j] * X[i * D + j];
    double g = -Y[i] / (1 + exp(Y[i] * z)) / M; /* -y sigma(-y z) / m */
    for (int j = 0; j < D; j++) want[j] += g * X[i * D + j];
    want[D] += g;
  }
  for (int j = 0; j < D; j++) want[j] += lambda * w[j];
  double got[D + 1], p[D + 1];
  got[D] = __enzyme_autodiff((void *)logreg, enzyme_dup, w, dw, b, enzyme_const, X,
                             enzyme_const, Y, M, D, enzyme_const, lambda);
  memcpy(got, dw, sizeof dw);
  memcpy(p, w, sizeof w);
  p[D] = b;
  check_grad("logreg", fd_logreg, p, D + 1, got, want);
  double e[D] = {0};
  for (int k = 0; k <= D; k++) {
    if (k < D) e[k] = 1;
    check_fwd("logreg fwd",
              __enzyme_fwddiff((void *)logreg, enzyme_dup, w, e, b, k == D ? 1.0 : 0.0,
                               enzyme_const, X, enzyme_const, Y, M, D, enzyme_const, lambda),
              got[k], want[k], 1e-12);
    if (k < D) e[k] = 0;
  }
  return failures != 0;
}
