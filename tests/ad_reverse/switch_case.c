/* `switch` on a constant integer argument: plain cases, a fall-through, a sparse case
   value and the default, each differentiated in x and y. */
#include "check.h"

double sw(double x, double y, int mode) {
  double r = x;
  switch (mode) {
  case 0:
    r = x * y;
    break;
  case 1:
    r = x / y;
    break;
  case 2:
    r = sin(x) * y;
    /* fall through */
  case 3:
    r = r + y * y;
    break;
  case 7:
    r = exp(x - y);
    break;
  default:
    r = x + 2 * y;
  }
  return r * x;
}

static int mode;
static double fd_sw(const double *p) { return sw(p[0], p[1], mode); }

int main(void) {
  int modes[6] = {0, 1, 2, 3, 7, 5};
  double x = 0.9, y = 1.6, e = exp(x - y), r2 = sin(x) * y + y * y;
  double want[6][2] = {{2 * x * y, x * x},
                       {2 * x / y, -x * x / (y * y)},
                       {cos(x) * y * x + r2, (sin(x) + 2 * y) * x},
                       {2 * x + y * y, 2 * x * y},
                       {e * (x + 1), -e * x},
                       {2 * x + 2 * y, 2 * x}};
  for (int k = 0; k < 6; k++) {
    mode = modes[k];
    grad2 d = __enzyme_autodiff2((void *)sw, x, y, mode);
    double p[2] = {x, y}, got[2] = {d.dx, d.dy};
    check_grad("switch", fd_sw, p, 2, got, want[k]);
    check_fwd("switch fwd x", __enzyme_fwddiff((void *)sw, x, 1.0, y, 0.0, mode), d.dx,
              want[k][0], 1e-12);
    check_fwd("switch fwd y", __enzyme_fwddiff((void *)sw, x, 0.0, y, 1.0, mode), d.dy,
              want[k][1], 1e-12);
  }
  return failures != 0;
}
