/* Enzyme's "Calling Convention" page, result-only duplicated argument: a loss written
   through an enzyme_dupnoneed pointer (its seed d_loss = 1, its primal value not
   needed afterwards), duplicated weights W and bias b, a constant input. The network:
   h = tanh(W x + b) (3x4 weights), loss = sum_j (h_j - t_j)^2. */
#include "check.h"

#define NI 4
#define NH 3
static const double target[NH] = {0.25, -0.5, 0.75};

void neuralNet(double *loss, double *W, double *b, double *input) {
  double l = 0;
  for (int j = 0; j < NH; j++) {
    double z = b[j];
    for (int i = 0; i < NI; i++) z += W[j * NI + i] * input[i];
    double h = tanh(z);
    l += (h - target[j]) * (h - target[j]);
  }
  *loss = l;
}

static double input[NI] = {0.5, -1.0, 0.25, 2.0};

static double fd_net(const double *p) {
  double W[NH * NI], b[NH], loss;
  memcpy(W, p, sizeof W);
  memcpy(b, p + NH * NI, sizeof b);
  neuralNet(&loss, W, b, input);
  return loss;
}

int main(void) {
  double W[NH * NI], b[NH], d_W[NH * NI] = {0}, d_b[NH] = {0};
  for (int k = 0; k < NH * NI; k++) W[k] = 0.1 * ((k * 7) % 11) - 0.45;
  for (int j = 0; j < NH; j++) b[j] = 0.2 * j - 0.1;
  double loss;
  double d_loss = 1.0;
  __enzyme_autodiff_v((void *)neuralNet,
                      enzyme_dupnoneed, &loss, &d_loss,
                      enzyme_dup, W, d_W,
                      enzyme_dup, b, d_b,
                      enzyme_const, input);
  /* backpropagation by hand: dl/dz_j = 2 (h_j - t_j) (1 - h_j^2) */
  double want[NH * NI + NH], got[NH * NI + NH], p[NH * NI + NH];
  for (int j = 0; j < NH; j++) {
    double z = b[j];
    for (int i = 0; i < NI; i++) z += W[j * NI + i] * input[i];
    double h = tanh(z), dz = 2 * (h - target[j]) * (1 - h * h);
    for (int i = 0; i < NI; i++) want[j * NI + i] = dz * input[i];
    want[NH * NI + j] = dz;
  }
  memcpy(got, d_W, sizeof d_W);
  memcpy(got + NH * NI, d_b, sizeof d_b);
  memcpy(p, W, sizeof W);
  memcpy(p + NH * NI, b, sizeof b);
  printf("d_b[0]=%f\n", d_b[0]);
  check_grad("neuralNet", fd_net, p, NH * NI + NH, got, want);

  /* forward mode, one weight or bias at a time: the tangent of the loss */
  double tW[NH * NI] = {0}, tb[NH] = {0}, l2, tl;
  for (int k = 0; k < NH * NI + NH; k++) {
    if (k < NH * NI) tW[k] = 1; else tb[k - NH * NI] = 1;
    tl = 0;
    __enzyme_fwddiff_v((void *)neuralNet, enzyme_dup, &l2, &tl, enzyme_dup, W, tW,
                       enzyme_dup, b, tb, enzyme_const, input);
    check_fwd("neuralNet fwd", tl, got[k], want[k], 1e-10);
    if (k < NH * NI) tW[k] = 0; else tb[k - NH * NI] = 0;
  }
  return failures != 0;
}
