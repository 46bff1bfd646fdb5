/* A small MLP: h = tanh(W1 x + b1) (4 hidden units, 3 inputs), o = W2 h + b2 (2
   outputs), loss = |o - t|^2 / 2; all four parameter arrays duplicated, the input and
   target constant, the hidden layer in a local array. Checked against backpropagation
   written by hand. */
#include "check.h"

#define NI 3
#define NH 4
#define NO 2

double mlp(const double *W1, const double *b1, const double *W2, const double *b2,
           const double *x, const double *t) {
  double h[NH];
  for (int j = 0; j < NH; j++) {
    double z = b1[j];
    for (int i = 0; i < NI; i++) z += W1[j * NI + i] * x[i];
    h[j] = tanh(z);
  }
  double loss = 0;
  for (int k = 0; k < NO; k++) {
    double o = b2[k];
    for (int j = 0; j < NH; j++) o += W2[k * NH + j] * h[j];
    loss += 0.5 * (o - t[k]) * (o - t[k]);
  }
  return loss;
}

#define P (NH * NI + NH + NO * NH + NO)
static const double x[NI] = {0.5, -1.2, 0.8}, t[NO] = {0.3, -0.6};
static double fd_mlp(const double *p) {
  return mlp(p, p + NH * NI, p + NH * NI + NH, p + NH * NI + NH + NO * NH, x, t);
}

int main(void) {
  double p[P], g[P] = {0}, want[P] = {0};
  for (int k = 0; k < P; k++) p[k] = 0.3 * sin(1.7 * k + 0.2);
  double *W1 = p, *b1 = p + NH * NI, *W2 = b1 + NH, *b2 = W2 + NO * NH;
  double *gW1 = g, *gb1 = g + NH * NI, *gW2 = gb1 + NH, *gb2 = gW2 + NO * NH;
  __enzyme_autodiff_v((void *)mlp, W1, gW1, b1, gb1, W2, gW2, b2, gb2, enzyme_const, x,
                    enzyme_const, t);
  /* backpropagation by hand */
  double h[NH], dh[NH] = {0};
  for (int j = 0; j < NH; j++) {
    double z = b1[j];
    for (int i = 0; i < NI; i++) z += W1[j * NI + i] * x[i];
    h[j] = tanh(z);
  }
  double *wW1 = want, *wb1 = want + NH * NI, *wW2 = wb1 + NH, *wb2 = wW2 + NO * NH;
  for (int k = 0; k < NO; k++) {
    double o = b2[k];
    for (int j = 0; j < NH; j++) o += W2[k * NH + j] * h[j];
    double d = o - t[k];
    wb2[k] = d;
    for (int j = 0; j < NH; j++) {
      wW2[k * NH + j] = d * h[j];
      dh[j] += d * W2[k * NH + j];
    }
  }
  for (int j = 0; j < NH; j++) {
    double dz = dh[j] * (1 - h[j] * h[j]);
    wb1[j] = dz;
    for (int i = 0; i < NI; i++) wW1[j * NI + i] = dz * x[i];
  }
  check_grad("mlp", fd_mlp, p, P, g, want);
  double tp[P] = {0};
  for (int k = 0; k < P; k++) {
    tp[k] = 1;
    check_fwd("mlp fwd", __enzyme_fwddiff((void *)mlp, W1, tp, b1, tp + NH * NI, W2,
                                          tp + NH * NI + NH, b2, tp + NH * NI + NH + NO * NH,
                                          enzyme_const, x, enzyme_const, t),
              g[k], want[k], 1e-12);
    tp[k] = 0;
  }
  return failures != 0;
}
