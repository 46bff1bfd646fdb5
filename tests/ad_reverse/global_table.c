/* Constant global tables read by the differentiated function (inactive memory, no
   shadow): a static const weight matrix and an external const bias, and a lookup table
   indexed by an integer computed from the active value ((int) cast, inactive). */
#include "check.h"

static const double Wt[3][4] = {{0.5, -0.2, 0.1, 0.7}, {-0.3, 0.8, 0.25, -0.6},
                                {0.9, 0.05, -0.4, 0.3}};
const double bias[3] = {0.1, -0.2, 0.05};
static const double coef[3] = {1.5, -0.75, 2.0};
static const double table[9] = {0.0, 0.5, 1.5, 2.0, 1.0, -0.5, 0.25, 3.0, 1.25};

double layer(const double *x) {
  double s = 0;
  for (int j = 0; j < 3; j++) {
    double z = bias[j];
    for (int i = 0; i < 4; i++) z += Wt[j][i] * x[i];
    s += coef[j] * tanh(z);
  }
  return s;
}

double lookup(double x) {
  int k = (int)(x * 4);
  return table[k] * x + table[k + 1] * x * x;
}

static double fd_layer(const double *p) { return layer(p); }
static double fd_lookup(const double *p) { return lookup(p[0]); }

int main(void) {
  double x[4] = {0.3, -0.5, 0.8, 0.2}, dx[4] = {0}, want[4] = {0};
  for (int j = 0; j < 3; j++) {
    double z = bias[j];
    for (int i = 0; i < 4; i++) z += Wt[j][i] * x[i];
    double t = tanh(z);
    for (int i = 0; i < 4; i++) want[i] += coef[j] * (1 - t * t) * Wt[j][i];
  }
  __enzyme_autodiff_v((void *)layer, x, dx);
  check_grad("layer", fd_layer, x, 4, dx, want);
  double e[4] = {0};
  for (int i = 0; i < 4; i++) {
    e[i] = 1;
    check_fwd("layer fwd", __enzyme_fwddiff((void *)layer, x, e), dx[i], want[i], 1e-12);
    e[i] = 0;
  }
  double pts[3] = {0.6, 1.3, 1.9};
  for (int k = 0; k < 3; k++) {
    double u[1] = {pts[k]};
    int idx = (int)(u[0] * 4);
    double wl[1] = {table[idx] + 2 * table[idx + 1] * u[0]};
    double gl[1] = {__enzyme_autodiff((void *)lookup, u[0])};
    check_grad("lookup", fd_lookup, u, 1, gl, wl);
    check_fwd("lookup fwd", __enzyme_fwddiff((void *)lookup, u[0], 1.0), gl[0], wl[0], 1e-12);
  }
  return failures != 0;
}
