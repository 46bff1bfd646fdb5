/* Vector forward mode, width 4: a whole gradient in one pass, returned through a struct
   of four doubles (returned in memory, sret) and as an array in a struct. */
#include "check.h"

extern int enzyme_width;
struct d4 { double v[4]; };
extern struct d4 __enzyme_fwddiff_w4(void *, ...);

double energy(double a, double b, double c, double d) {
  double s = 0;
  double x[4] = {a, b, c, d};
  for (int i = 0; i < 4; i++)
    for (int j = i + 1; j < 4; j++) {
      double r = x[i] - x[j];
      s += 1 / (1 + r * r);
    }
  return s + exp(a * d);
}

int main(void) {
  double x[4] = {0.1, 0.7, -0.4, 1.2};
  struct d4 g = __enzyme_fwddiff_w4((void *)energy, enzyme_width, 4,
                                    x[0], 1.0, 0.0, 0.0, 0.0, x[1], 0.0, 1.0, 0.0, 0.0,
                                    x[2], 0.0, 0.0, 1.0, 0.0, x[3], 0.0, 0.0, 0.0, 1.0);
  double want[4] = {0, 0, 0, 0};
  for (int i = 0; i < 4; i++)
    for (int j = i + 1; j < 4; j++) {
      double r = x[i] - x[j], q = 1 + r * r;
      double dr = -2 * r / (q * q);
      want[i] += dr;
      want[j] -= dr;
    }
  want[0] += x[3] * exp(x[0] * x[3]);
  want[3] += x[0] * exp(x[0] * x[3]);
  for (int i = 0; i < 4; i++) check("energy", g.v[i], want[i], 1e-12);
  return failures != 0;
}
