/* Scalars: arithmetic and libm through one function; default activity (floats dup). */
#include "check.h"

double f(double x, double y) {
  return sin(x) * y + x * x / y - cos(y) + exp(x - y) + log(x) * sqrt(y)
         + pow(x, y) + tan(x) + atan(x * y) + tanh(y) - fabs(x - 3.0 * y);
}

int main(void) {
  double x = 0.7, y = 1.3;
  double dfx = cos(x) * y + 2 * x / y + exp(x - y) + sqrt(y) / x
               + y * pow(x, y - 1) + 1 + tan(x) * tan(x) + y / (1 + x * x * y * y)
               + (x - 3.0 * y < 0 ? 1 : -1);
  double dfy = sin(x) - x * x / (y * y) + sin(y) - exp(x - y) + log(x) * 0.5 / sqrt(y)
               + pow(x, y) * log(x) + x / (1 + x * x * y * y) + 1 - tanh(y) * tanh(y)
               - (x - 3.0 * y < 0 ? 3 : -3);
  check("df/dx", __enzyme_fwddiff((void *)f, x, 1.0, y, 0.0), dfx, 1e-12);
  check("df/dy", __enzyme_fwddiff((void *)f, x, 0.0, y, 1.0), dfy, 1e-12);
  check("df/dx const y", __enzyme_fwddiff((void *)f, x, 1.0, enzyme_const, y), dfx, 1e-12);
  check("df mixed", __enzyme_fwddiff((void *)f, enzyme_dup, x, 2.0, enzyme_dup, y, -1.0),
        2 * dfx - dfy, 1e-12);
  return failures != 0;
}
