/* Local (alloca'd) arrays inside the differentiated function: a 1-D array written in one
   loop and read back in reverse order in another, and a 3x3 local matrix whose
   determinant is taken by cofactors. */
#include "check.h"

double local(double x, double y) {
  double a[5];
  for (int i = 0; i < 5; i++) a[i] = pow(x, i + 1) + y * i;
  double r = 0;
  for (int i = 0; i < 5; i++) r += a[i] * a[4 - i];
  return r;
}

double det3(double x, double y) {
  double m[3][3];
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) m[i][j] = pow(x, i) * pow(y, j) + (i == j);
  return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
         - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
         + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}

static double fd_local(const double *p) { return local(p[0], p[1]); }
static double fd_det(const double *p) { return det3(p[0], p[1]); }

int main(void) {
  double x = 0.9, y = 0.35, a[5], ax[5], ay[5];
  for (int i = 0; i < 5; i++) a[i] = pow(x, i + 1) + y * i, ax[i] = (i + 1) * pow(x, i), ay[i] = i;
  double wl[2] = {0, 0};
  for (int i = 0; i < 5; i++) {
    wl[0] += ax[i] * a[4 - i] + a[i] * ax[4 - i];
    wl[1] += ay[i] * a[4 - i] + a[i] * ay[4 - i];
  }
  grad2 dl = __enzyme_autodiff2((void *)local, x, y);
  double p[2] = {x, y}, gl[2] = {dl.dx, dl.dy};
  check_grad("local", fd_local, p, 2, gl, wl);
  check_fwd("local fwd x", __enzyme_fwddiff((void *)local, x, 1.0, y, 0.0), dl.dx, wl[0], 1e-12);
  check_fwd("local fwd y", __enzyme_fwddiff((void *)local, x, 0.0, y, 1.0), dl.dy, wl[1], 1e-12);

  /* d det / d m_ij is the cofactor C_ij; d m_ij / dx = i x^(i-1) y^j, / dy = j x^i y^(j-1) */
  double m[3][3], wd[2] = {0, 0};
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) m[i][j] = pow(x, i) * pow(y, j) + (i == j);
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      int r0 = (i + 1) % 3, r1 = (i + 2) % 3, c0 = (j + 1) % 3, c1 = (j + 2) % 3;
      double C = m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0];
      if (i > 0) wd[0] += C * i * pow(x, i - 1) * pow(y, j);
      if (j > 0) wd[1] += C * j * pow(x, i) * pow(y, j - 1);
    }
  grad2 dd = __enzyme_autodiff2((void *)det3, x, y);
  double gd[2] = {dd.dx, dd.dy};
  check_grad("det3", fd_det, p, 2, gd, wd);
  check_fwd("det3 fwd x", __enzyme_fwddiff((void *)det3, x, 1.0, y, 0.0), dd.dx, wd[0], 1e-12);
  check_fwd("det3 fwd y", __enzyme_fwddiff((void *)det3, x, 0.0, y, 1.0), dd.dy, wd[1], 1e-12);
  return failures != 0;
}
