/* Split mode with active scalar arguments: __enzyme_reverse returns their derivatives
   (two of them as a {double, double}, one as a double), the return seed of a
   double-returning function coming last. h(v, a, b) = a sum v_i^2 + b^2 v_0 + a b;
   scale(y, k): y_i <- k y_i^2 (void, one active double). */
#include "check.h"

#define TAPE_BYTES 512

double h(const double *v, double a, double b) {
  double s = 0;
  for (int i = 0; i < 3; i++) s += v[i] * v[i];
  return a * s + b * b * v[0] + a * b;
}

void scale(double *y, double k) {
  for (int i = 0; i < 3; i++) y[i] = k * y[i] * y[i];
}

static double fd_h(const double *p) { return h(p, p[3], p[4]); }
static const double seed[3] = {1.0, -0.5, 2.0};
static double fd_scale(const double *p) {
  double y[3] = {p[0], p[1], p[2]};
  scale(y, p[3]);
  return vdot(seed, y, 3);
}

int main(void) {
  double tape[TAPE_BYTES / sizeof(double)];
  double v[3] = {0.6, -0.8, 1.1}, dv[3] = {0}, a = 1.3, b = -0.7, dret = 1.5;
  int size = __enzyme_augmentsize((void *)h, enzyme_dup, enzyme_out, enzyme_out);
  check("augmentsize fits", size <= TAPE_BYTES && size >= 0, 1, 0);
  double r = __enzyme_augmentfwd_d((void *)h, enzyme_allocated, TAPE_BYTES, enzyme_tape, tape,
                                   v, dv, a, b);
  check("augmented primal", r, h(v, a, b), 1e-15);
  grad2 d = __enzyme_reverse2((void *)h, enzyme_allocated, TAPE_BYTES, enzyme_tape, tape, v, dv,
                              a, b, dret);
  double s = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
  double want[5] = {2 * a * v[0] + b * b, 2 * a * v[1], 2 * a * v[2], s + b, 2 * b * v[0] + a};
  double got[5] = {dv[0] / dret, dv[1] / dret, dv[2] / dret, d.dx / dret, d.dy / dret};
  double p[5] = {v[0], v[1], v[2], a, b};
  check_grad("split h", fd_h, p, 5, got, want);
  double e[3] = {0};
  check_fwd("h fwd a", __enzyme_fwddiff((void *)h, v, e, a, 1.0, b, 0.0), got[3], want[3], 1e-12);
  check_fwd("h fwd b", __enzyme_fwddiff((void *)h, v, e, a, 0.0, b, 1.0), got[4], want[4], 1e-12);

  double y0[3] = {0.5, 1.5, -0.9}, y[3], dy[3], k = 0.8;
  memcpy(y, y0, sizeof y);
  memcpy(dy, seed, sizeof dy);
  size = __enzyme_augmentsize((void *)scale, enzyme_dup, enzyme_out);
  check("augmentsize fits", size <= TAPE_BYTES && size >= 0, 1, 0);
  __enzyme_augmentfwd((void *)scale, enzyme_allocated, TAPE_BYTES, enzyme_tape, tape, y, dy, k);
  double dk = __enzyme_reverse_d((void *)scale, enzyme_allocated, TAPE_BYTES, enzyme_tape, tape,
                                 y, dy, k);
  double ws[4] = {0}, gs[4] = {dy[0], dy[1], dy[2], dk}, ps[4] = {y0[0], y0[1], y0[2], k};
  for (int i = 0; i < 3; i++) {
    ws[i] = seed[i] * 2 * k * y0[i];
    ws[3] += seed[i] * y0[i] * y0[i];
  }
  check_grad("split scale", fd_scale, ps, 4, gs, ws);
  double t[3] = {0}, yy[3];
  memcpy(yy, y0, sizeof yy);
  __enzyme_fwddiff_v((void *)scale, yy, t, k, 1.0);
  check_fwd("scale fwd k", vdot(seed, t, 3), dk, ws[3], 1e-12);
  return failures != 0;
}
