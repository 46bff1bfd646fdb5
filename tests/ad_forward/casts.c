/* Conversions: float <-> double (fpext/fptrunc), int <-> double (no derivative),
   long double (x86_fp80). */
#include "check.h"

double widen(float a, double b) { return (double)a * b + (float)(b * b); }
double through_int(double x) { int k = (int)x; return k * x + (double)(long)(x * 100) * 0; }
double through_long_double(double x) { long double l = x; l = l * l * 3; return (double)l; }
float narrow(double x) { return (float)(x * x); }

int main(void) {
  float a = 0.75f;
  double b = 1.25;
  check("widen da", __enzyme_fwddiff((void *)widen, a, 1.0f, b, 0.0), b, 1e-6);
  check("widen db", __enzyme_fwddiff((void *)widen, a, 0.0f, b, 1.0), a + 2 * b, 1e-6);
  check("through_int", __enzyme_fwddiff((void *)through_int, 2.5, 1.0), 2, 1e-12);
  check("long double", __enzyme_fwddiff((void *)through_long_double, 0.3, 1.0), 6 * 0.3,
        1e-12);
  check("narrow", __enzyme_fwddiff((void *)narrow, 0.5, 1.0), 1.0, 1e-6);
  return failures != 0;
}
