/* C math library: erf erfc tgamma lgamma, double and float. */
#define TYPE double
#define SUFFIX
#define TOL 1e-10
#include "libm.h"
#include "libm_special.inc"

float wf_erff(float x) { return erff(x) * erfcf(x); }
float wf_tgammaf(float x) { return tgammaf(x) + lgammaf(x); }

int main(void) {
  special_cases();
  double x = 0.625, ef = erf(x), ec = erfc(x), g = 2 / sqrt(PI) * exp(-x * x);
  check("erff*erfcf", __enzyme_fwddiff((void *)wf_erff, 0.625f, 1.0f), g * ec - ef * g, 2e-5);
  x = 1.625;
  check("tgammaf+lgammaf", __enzyme_fwddiff((void *)wf_tgammaf, 1.625f, 1.0f),
        (tgamma(x) + 1) * digamma_ref(x), 2e-5);
  return failures != 0;
}
