/* enzyme_dupnoneed: the loss written through a pointer whose primal value the caller
   does not need (only the seed in its shadow matters), and an output array marked the
   same way with its shadow seeded; weights duplicated, inputs and n constant. */
#include "check.h"

void loss_fn(double *loss, const double *w, const double *x, int n) {
  double l = 0;
  for (int i = 0; i < n; i++) l += (w[i] * x[i] - 1) * (w[i] * x[i] - 1);
  *loss = l;
}

void sigmoid(const double *x, double *y, int n) {
  for (int i = 0; i < n; i++) y[i] = 1 / (1 + exp(-x[i]));
}

#define N 5
static const double xin[N] = {0.5, 1.5, -0.5, 2.0, 0.8};
static double fd_loss(const double *p) {
  double l;
  loss_fn(&l, p, xin, N);
  return l;
}
static double fd_sig(const double *p) {
  double y[N];
  sigmoid(p, y, N);
  return vdot(y, xin, N); /* seeds xin on the outputs */
}

int main(void) {
  double w[N] = {0.9, 0.4, -1.2, 0.6, 1.1}, dw[N] = {0}, loss, dloss = 2.0, want[N];
  __enzyme_autodiff_v((void *)loss_fn, enzyme_dupnoneed, &loss, &dloss, enzyme_dup, w, dw,
                      enzyme_const, xin, enzyme_const, N);
  for (int i = 0; i < N; i++) want[i] = 2.0 * 2 * (w[i] * xin[i] - 1) * xin[i];
  double want1[N];
  for (int i = 0; i < N; i++) want1[i] = want[i] / 2.0;
  double g1[N];
  for (int i = 0; i < N; i++) g1[i] = dw[i] / 2.0; /* the seed was 2 */
  check_grad("loss", fd_loss, w, N, g1, want1);
  double e[N] = {0}, l2, tl;
  for (int k = 0; k < N; k++) {
    e[k] = 1;
    tl = 0;
    __enzyme_fwddiff_v((void *)loss_fn, enzyme_dupnoneed, &l2, &tl, enzyme_dup, w, e,
                       enzyme_const, xin, enzyme_const, N);
    check_fwd("loss fwd", tl, g1[k], want1[k], 1e-12);
    e[k] = 0;
  }

  double x[N] = {0.3, -1.0, 0.7, 2.2, -0.4}, dx[N] = {0}, y[N], dy[N];
  memcpy(dy, xin, sizeof dy);
  __enzyme_autodiff_v((void *)sigmoid, enzyme_dup, x, dx, enzyme_dupnoneed, y, dy,
                      enzyme_const, N);
  for (int i = 0; i < N; i++) {
    double s = 1 / (1 + exp(-x[i]));
    want[i] = xin[i] * s * (1 - s);
  }
  check_grad("sigmoid", fd_sig, x, N, dx, want);
  return failures != 0;
}
