/* fmod (d/dx = 1, d/dy = -trunc(x / y)), a continued fraction of divisions, and a
   reciprocal square: division chains whose adjoints need the quotients of the forward
   pass. */
#include "check.h"

double h(double x, double y) {
  return fmod(x, y) * x + fmod(x * x, 1.5);
}

double cfrac(double x) {
  return 1 / (1 + 1 / (1 + 1 / x));
}

double recip(double x, double y) {
  double q = 1 / (x * x + y);
  return q * q - y / x;
}

static double fd_h(const double *p) { return h(p[0], p[1]); }
static double fd_c(const double *p) { return cfrac(p[0]); }
static double fd_r(const double *p) { return recip(p[0], p[1]); }

int main(void) {
  double x = 5.3, y = 1.7;
  double wh[2] = {x + fmod(x, y) + 2 * x, -trunc(x / y) * x};
  grad2 dh = __enzyme_autodiff2((void *)h, x, y);
  double ph[2] = {x, y}, gh[2] = {dh.dx, dh.dy};
  check_grad("fmod", fd_h, ph, 2, gh, wh);
  check_fwd("fmod fwd x", __enzyme_fwddiff((void *)h, x, 1.0, y, 0.0), dh.dx, wh[0], 1e-12);
  check_fwd("fmod fwd y", __enzyme_fwddiff((void *)h, x, 0.0, y, 1.0), dh.dy, wh[1], 1e-12);

  double c = 0.65, a = 1 + 1 / c, b = 1 + 1 / a;
  double wc[1] = {-1 / (a * a * b * b * c * c)}, gc[1], pc[1] = {c};
  gc[0] = __enzyme_autodiff((void *)cfrac, c);
  check_grad("cfrac", fd_c, pc, 1, gc, wc);
  check_fwd("cfrac fwd", __enzyme_fwddiff((void *)cfrac, c, 1.0), gc[0], wc[0], 1e-12);

  double u = 0.9, v = 0.35, q = 1 / (u * u + v);
  double wr[2] = {-2 * q * q * q * 2 * u + v / (u * u), -2 * q * q * q - 1 / u};
  grad2 dr = __enzyme_autodiff2((void *)recip, u, v);
  double pr[2] = {u, v}, gr[2] = {dr.dx, dr.dy};
  check_grad("recip", fd_r, pr, 2, gr, wr);
  check_fwd("recip fwd x", __enzyme_fwddiff((void *)recip, u, 1.0, v, 0.0), dr.dx, wr[0], 1e-12);
  check_fwd("recip fwd y", __enzyme_fwddiff((void *)recip, u, 0.0, v, 1.0), dr.dy, wr[1], 1e-12);
  return failures != 0;
}
