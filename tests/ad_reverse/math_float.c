/* Single precision libm (sinf, expf, logf, sqrtf, powf, tanhf, cosf, atanf, cbrtf,
   fabsf, atan2f, hypotf, fminf) with non-variadic typed prototypes, as Enzyme's
   "Function Hooks" page declares them (a float passed through `...` would be promoted
   to double), one of them with an enzyme_const float. */
#define CHECK_OWN_PROTOTYPES
#include "check.h"

extern float __enzyme_autodiff(void *, float);
extern float __enzyme_autodiff_const(void *, int, float, float);
extern float __enzyme_fwddiff(void *, float, float);
extern float __enzyme_fwddiff2(void *, float, float, float, float);

float ff(float x) {
  return sinf(x) * expf(x) + logf(x) * sqrtf(x) + powf(x, 2.5f) + tanhf(x) + cosf(x) / x
         + atanf(x) + cbrtf(x) + fabsf(x - 2.0f);
}

float fg(float x, float y) {
  return powf(x, y) + atan2f(y, x) + hypotf(x, y) + fminf(x, y) * y;
}

static double fd_ff(const double *p) { return ff((float)p[0]); }
static double fd_fg(const double *p) { return fg(0.8f, (float)p[0]); }

int main(void) {
  float x = 0.8f;
  double X = x, t = tanh(X);
  double want[1] = {cos(X) * exp(X) + sin(X) * exp(X) + sqrt(X) / X + log(X) / (2 * sqrt(X))
                    + 2.5 * pow(X, 1.5) + 1 - t * t + (-X * sin(X) - cos(X)) / (X * X)
                    + 1 / (1 + X * X) + 1 / (3 * cbrt(X) * cbrt(X)) - 1};
  double got[1] = {__enzyme_autodiff((void *)ff, x)}, p[1] = {X};
  check_gradf("ff", fd_ff, p, 1, got, want);
  check_fwd("ff fwd", __enzyme_fwddiff((void *)ff, x, 1.0f), got[0], want[0], 1e-5);

  float y = 1.3f;
  double Y = y;
  double wy[1] = {pow(X, Y) * log(X) + X / (X * X + Y * Y) + Y / hypot(X, Y) + X};
  double gy[1] = {__enzyme_autodiff_const((void *)fg, enzyme_const, x, y)}, py[1] = {Y};
  check_gradf("fg dy", fd_fg, py, 1, gy, wy);
  check_fwd("fg fwd y", __enzyme_fwddiff2((void *)fg, x, 0.0f, y, 1.0f), gy[0], wy[0], 1e-5);
  return failures != 0;
}
