/* The f-suffixed C math functions (single precision) against hand-derived values. */
#include "check.h"

float fl(float x) {
  return sinf(x) + cosf(x) + tanf(x) + expf(x) + logf(x) + sqrtf(x) + powf(x, 1.5f)
         + fabsf(x - 2.0f) + atanf(x) + tanhf(x);
}

float fy(float x, float y) { return powf(x, y); }

int main(void) {
  float x = 0.6f;
  double want = cos(x) - sin(x) + 1 + tan(x) * tan(x) + exp(x) + 1 / x + 0.5 / sqrt(x)
                + 1.5 * sqrt(x) - 1 + 1 / (1 + x * x) + 1 - tanh(x) * tanh(x);
  check("float libm", __enzyme_fwddiff((void *)fl, x, 1.0f), want, 1e-5);
  check("powf dy", __enzyme_fwddiff((void *)fy, x, 0.0f, 2.5f, 1.0f),
        pow(x, 2.5) * log(x), 1e-5);
  return failures != 0;
}
