/* Four active doubles (a 32-byte struct returned through sret) with explicit markers
   interleaved: enzyme_out on two of them, a constant integer and a constant double
   between; then the same function with one of the four marked enzyme_const (three
   results, still sret) and with two constant (two results in registers). */
#include "check.h"

double f4(double x, double y, int k, double c, double z, double w) {
  return x * y * k + exp(z * c) * w + x * x * z - y / w;
}

static double fd_f4(const double *p) { return f4(p[0], p[1], 3, 0.5, p[2], p[3]); }

int main(void) {
  double x = 0.6, y = -0.9, c = 0.5, z = 1.2, w = 1.7;
  int k = 3;
  double e = exp(z * c);
  double want[4] = {y * k + 2 * x * z, x * k - 1 / w, c * e * w + x * x, e + y / (w * w)};
  grad4 d = __enzyme_autodiff4((void *)f4, enzyme_out, x, y, enzyme_const, k, enzyme_const, c,
                               enzyme_out, z, w);
  double p[4] = {x, y, z, w}, got[4] = {d.dx, d.dy, d.dz, d.dw};
  check_grad("f4", fd_f4, p, 4, got, want);
  double dirs[4][4] = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
  for (int j = 0; j < 4; j++)
    check_fwd("f4 fwd", __enzyme_fwddiff((void *)f4, x, dirs[j][0], y, dirs[j][1], enzyme_const,
                                         k, enzyme_const, c, z, dirs[j][2], w, dirs[j][3]),
              got[j], want[j], 1e-12);
  grad3 d3 = __enzyme_autodiff3((void *)f4, x, enzyme_const, y, k, enzyme_const, c, z, w);
  check("f4 const y dx", d3.dx, want[0], 1e-12);
  check("f4 const y dz", d3.dy, want[2], 1e-12);
  check("f4 const y dw", d3.dz, want[3], 1e-12);
  grad2 d2 = __enzyme_autodiff2((void *)f4, enzyme_const, x, y, k, enzyme_const, c, z,
                                enzyme_const, w);
  check("f4 two const dy", d2.dx, want[1], 1e-12);
  check("f4 two const dz", d2.dy, want[2], 1e-12);
  return failures != 0;
}
