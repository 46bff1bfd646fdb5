/* Vector forward mode: enzyme_width 2 computes two tangents in one pass, returned as
   the struct of two doubles or the vector the caller declares; pointer arguments take two shadows. */
#include "check.h"

extern int enzyme_width;
struct d2 { double a, b; };
extern struct d2 __enzyme_fwddiff_w2(void *, ...);
typedef double v2d __attribute__((vector_size(16)));
extern v2d __enzyme_fwddiff_v2(void *, ...); /* the two tangents as a <2 x double> */

__attribute__((noinline)) double helper(double u, double v) { return u * sin(v); }

double f(double x, double y) { return x * x * y + helper(x, y); }

double sumsq(const double *p, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += p[i] * p[i] * (i + 1);
  return s;
}

void scale(double *p, double k, int n) {
  for (int i = 0; i < n; i++) p[i] = p[i] * k + k * k;
}

int main(void) {
  double x = 0.7, y = 1.3;
  struct d2 g = __enzyme_fwddiff_w2((void *)f, enzyme_width, 2, enzyme_dup, x, 1.0, 0.0,
                                    enzyme_dup, y, 0.0, 1.0);
  check("f dx", g.a, 2 * x * y + sin(y), 1e-12);
  check("f dy", g.b, x * x + x * cos(y), 1e-12);
  v2d v = __enzyme_fwddiff_v2((void *)f, enzyme_width, 2, x, 1.0, 0.5, y, 0.0, 2.0);
  check("f <2 x double> 0", v[0], 2 * x * y + sin(y), 1e-12);
  check("f <2 x double> 1", v[1], 0.5 * (2 * x * y + sin(y)) + 2 * (x * x + x * cos(y)),
        1e-12);
  double p[3] = {0.5, -1.0, 2.0}, d0[3] = {1, 0, 0}, d1[3] = {0, 1, 1};
  struct d2 s = __enzyme_fwddiff_w2((void *)sumsq, enzyme_width, 2, enzyme_dup, p, d0, d1,
                                    enzyme_const, 3);
  check("sumsq 0", s.a, 2 * 0.5 * 1, 1e-12);
  check("sumsq 1", s.b, 2 * -1.0 * 2 + 2 * 2.0 * 3, 1e-12);
  double q[2] = {1.5, 2.5}, e0[2] = {1, 0}, e1[2] = {0, 0};
  __enzyme_fwddiff_w2((void *)scale, enzyme_width, 2, enzyme_dup, q, e0, e1, enzyme_dup,
                      3.0, 0.0, 1.0, enzyme_const, 2);
  /* q' = q k + k^2: lane 0 moves q[0], lane 1 moves k */
  check("scale q", q[0], 1.5 * 3 + 9, 1e-12);
  check("scale lane0", e0[0], 3, 1e-12);
  check("scale lane0'", e0[1], 0, 1e-12);
  check("scale lane1", e1[0], 1.5 + 6, 1e-12);
  check("scale lane1'", e1[1], 2.5 + 6, 1e-12);
  return failures != 0;
}
