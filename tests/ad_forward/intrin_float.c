/* CFLAGS: -fno-math-errno */
/* Single-precision calls as intrinsics (llvm.*.f32), hyperbolic and exponential
   families; and __builtin_powi, fma. */
#define TYPE float
#define SUFFIX f
#define TOL 2e-5
#include "libm.h"
#include "libm_hyp.inc"
#include "libm_explog.inc"

double powi_fma(double x, double y) { return __builtin_powi(x, 5) + fma(x, y, x * y); }
float powif(float x) { return __builtin_powif(x, -2); }

int main(void) {
  hyp_cases();
  explog_cases();
  double x = 1.25, y = -0.5;
  check("powi+fma dx", __enzyme_fwddiff((void *)powi_fma, x, 1.0, y, 0.0),
        5 * pow(x, 4) + 2 * y, 1e-12);
  check("powi+fma dy", __enzyme_fwddiff((void *)powi_fma, x, 0.0, y, 1.0), 2 * x, 1e-12);
  check("powif", __enzyme_fwddiff((void *)powif, 1.25f, 1.0f), -2 / (1.25 * 1.25 * 1.25),
        1e-6);
  return failures != 0;
}
