/* void functions whose arguments are all duplicated pointers: an in-place
   normalisation of a 3-vector (its shadow holds the seed on the result on entry and
   the gradient on return) and an outer product m = a b^T into a separate output. */
#include "check.h"

void normalize3(double *v) {
  double r = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  for (int i = 0; i < 3; i++) v[i] /= r;
}

void outer(const double *a, const double *b, double *m) {
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 3; j++) m[i * 3 + j] = a[i] * b[j];
}

static const double seed[6] = {0.5, -1.0, 2.0, 0.25, 1.5, -0.75};
static double fd_norm(const double *p) {
  double v[3] = {p[0], p[1], p[2]};
  normalize3(v);
  return vdot(seed, v, 3);
}
static double fd_outer(const double *p) {
  double m[6];
  outer(p, p + 2, m);
  return vdot(seed, m, 6);
}

int main(void) {
  double v0[3] = {0.6, -1.2, 0.9}, v[3], dv[3];
  memcpy(v, v0, sizeof v);
  memcpy(dv, seed, sizeof dv);
  __enzyme_autodiff_v((void *)normalize3, v, dv);
  /* u = v / r: d(s.u)/dv = s / r - (s.v) v / r^3 */
  double r = sqrt(v0[0] * v0[0] + v0[1] * v0[1] + v0[2] * v0[2]), sv = vdot(seed, v0, 3);
  double want[5];
  for (int i = 0; i < 3; i++) want[i] = seed[i] / r - sv * v0[i] / (r * r * r);
  check_grad("normalize3", fd_norm, v0, 3, dv, want);
  for (int k = 0; k < 3; k++) {
    double t[3] = {0};
    t[k] = 1;
    memcpy(v, v0, sizeof v);
    __enzyme_fwddiff_v((void *)normalize3, v, t);
    check_fwd("normalize3 fwd", vdot(seed, t, 3), dv[k], want[k], 1e-12);
  }

  double ab[5] = {0.7, -0.4, 1.1, 0.3, -0.9}, dab[5] = {0}, m[6], dm[6];
  memcpy(dm, seed, sizeof dm);
  __enzyme_autodiff_v((void *)outer, ab, dab, ab + 2, dab + 2, m, dm);
  for (int i = 0; i < 5; i++) want[i] = 0;
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 3; j++) {
      want[i] += seed[i * 3 + j] * ab[2 + j];
      want[2 + j] += seed[i * 3 + j] * ab[i];
    }
  check_grad("outer", fd_outer, ab, 5, dab, want);
  for (int k = 0; k < 5; k++) {
    double t[5] = {0}, tm[6] = {0};
    t[k] = 1;
    __enzyme_fwddiff_v((void *)outer, ab, t, ab + 2, t + 2, m, tm);
    check_fwd("outer fwd", vdot(seed, tm, 6), dab[k], want[k], 1e-12);
  }
  return failures != 0;
}
