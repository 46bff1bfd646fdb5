/* switch statements: jump tables at -O0, lookup tables and selects at -O2. */
#include "check.h"

double by_case(double x, int c) {
  switch (c) {
  case 0: return x;
  case 1: return x * x;
  case 2: return x * x * x;
  case 3: return 1 / x;
  case 7: return sqrt(x);
  default: return 0 * x + 5;
  }
}
double coeff(double x, int c) {
  double k;
  switch (c) {
  case 0: k = 2.0; break;
  case 1: k = -1.5; break;
  case 2: k = 4.0; break;
  default: k = 0.5;
  }
  return k * x * x;
}

int main(void) {
  double x = 1.7;
  double want[8] = {1, 2 * x, 3 * x * x, -1 / (x * x), 0, 0, 0, 0.5 / sqrt(x)};
  for (int c = 0; c < 8; c++)
    check("by_case", __enzyme_fwddiff((void *)by_case, x, 1.0, enzyme_const, c), want[c],
          1e-12);
  double k[4] = {2.0, -1.5, 4.0, 0.5};
  for (int c = 0; c < 4; c++)
    check("coeff", __enzyme_fwddiff((void *)coeff, x, 1.0, enzyme_const, c), 2 * k[c] * x,
          1e-12);
  return failures != 0;
}
