/* Loops -O2 rotates: while, do/while, nested, early exit, Newton's iteration, a loop
   whose trip count depends on active data through a comparison. */
#include "check.h"

double power(double x, int n) {
  double r = 1;
  int i = 0;
  while (i < n) { r *= x; i++; }
  return r;
}
double newton_sqrt(double a) {
  double x = a > 1 ? a : 1;
  for (int i = 0; i < 60; i++) x = 0.5 * (x + a / x);
  return x;
}
double nested(double x, int n) {
  double s = 0;
  for (int i = 1; i <= n; i++)
    for (int j = 1; j <= i; j++) s += x * i / j;
  return s;
}
double until_big(double x) {
  double v = x;
  int steps = 0;
  do { v = v * 1.5 + 0.25; steps++; } while (v < 10 && steps < 100);
  return v;
}

int main(void) {
  check("power", __enzyme_fwddiff((void *)power, 1.1, 1.0, enzyme_const, 5),
        5 * pow(1.1, 4), 1e-12);
  check("newton", __enzyme_fwddiff((void *)newton_sqrt, 2.0, 1.0), 0.5 / sqrt(2.0), 1e-10);
  double want = 0;
  for (int i = 1; i <= 4; i++)
    for (int j = 1; j <= i; j++) want += (double)i / j;
  check("nested", __enzyme_fwddiff((void *)nested, 0.7, 1.0, enzyme_const, 4), want, 1e-12);
  /* from x = 1: v_k = 1.5 v + .25, stops after k steps: dv = 1.5^k */
  double v = 1;
  int k = 0;
  do { v = v * 1.5 + 0.25; k++; } while (v < 10 && k < 100);
  check("until_big", __enzyme_fwddiff((void *)until_big, 1.0, 1.0), pow(1.5, k), 1e-12);
  return failures != 0;
}
