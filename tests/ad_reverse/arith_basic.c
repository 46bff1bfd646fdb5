/* Scalar arithmetic: fadd, fsub, fmul, fdiv, fneg on two and three active doubles
   (derivatives returned as a {double, double} in registers and a three-double struct
   through sret), and enzyme_const on a double argument (only the other one is active). */
#include "check.h"

double f(double x, double y) {
  double u = x + y, v = x - y, w = x * y + 1;
  double n = -x;
  return u * v / w - n * y;
}

double g(double x, double y, double z) {
  return x / (y - z) - z * z / x + (x - y) * (y + z);
}

static double fd_f(const double *p) { return f(p[0], p[1]); }
static double fd_g(const double *p) { return g(p[0], p[1], p[2]); }

int main(void) {
  double x = 1.3, y = 0.45, z = -0.8;
  double u = x + y, v = x - y, w = x * y + 1;
  double wf[2] = {(v + u) / w - u * v * y / (w * w) + y, (v - u) / w - u * v * x / (w * w) + x};
  grad2 df = __enzyme_autodiff2((void *)f, x, y);
  double pf[2] = {x, y}, gf[2] = {df.dx, df.dy};
  check_grad("f", fd_f, pf, 2, gf, wf);
  check_fwd("f fwd x", __enzyme_fwddiff((void *)f, x, 1.0, y, 0.0), df.dx, wf[0], 1e-12);
  check_fwd("f fwd y", __enzyme_fwddiff((void *)f, x, 0.0, y, 1.0), df.dy, wf[1], 1e-12);
  /* x constant: the one active argument's derivative comes back as a double */
  check("f const x", __enzyme_autodiff((void *)f, enzyme_const, x, y), wf[1], 1e-12);
  check("f const y", __enzyme_autodiff((void *)f, x, enzyme_const, y), wf[0], 1e-12);

  double d = y - z;
  double wg[3] = {1 / d + z * z / (x * x) + (y + z), -x / (d * d) - (y + z) + (x - y),
                  x / (d * d) - 2 * z / x + (x - y)};
  grad3 dg = __enzyme_autodiff3((void *)g, x, y, z);
  double pg[3] = {x, y, z}, gg[3] = {dg.dx, dg.dy, dg.dz};
  check_grad("g", fd_g, pg, 3, gg, wg);
  check_fwd("g fwd x", __enzyme_fwddiff((void *)g, x, 1.0, y, 0.0, z, 0.0), dg.dx, wg[0], 1e-12);
  check_fwd("g fwd y", __enzyme_fwddiff((void *)g, x, 0.0, y, 1.0, z, 0.0), dg.dy, wg[1], 1e-12);
  check_fwd("g fwd z", __enzyme_fwddiff((void *)g, x, 0.0, y, 0.0, z, 1.0), dg.dz, wg[2], 1e-12);
  /* the middle one constant: {dx, dz} */
  grad2 dxz = __enzyme_autodiff2((void *)g, x, enzyme_const, y, z);
  check("g const y dx", dxz.dx, wg[0], 1e-12);
  check("g const y dz", dxz.dy, wg[2], 1e-12);
  return failures != 0;
}
