/* Clang vector extensions: insertelement, extractelement, shufflevector, vector
   arithmetic and vector math on <2 x double> / <4 x float>. */
#include "check.h"
typedef double v2d __attribute__((vector_size(16)));
typedef float v4f __attribute__((vector_size(16)));

double vec2(double a, double b) {
  v2d v = {a, b};
  v2d w = __builtin_shufflevector(v, v, 1, 0);
  v2d p = v * w + v / (w + 1);
  p[1] = p[1] * a;
  return p[0] + p[1];
}
float vec4(float a, float b) {
  v4f v = {a, b, a * b, 1};
  v4f s = __builtin_shufflevector(v, v, 3, 2, 1, 0);
  v4f m = v * s - v;
  return m[0] + m[1] * 2 + m[2] * 3 + m[3] * 4;
}

int main(void) {
  double a = 0.8, b = 1.9;
  /* p0 = ab + a/(b+1), p1 = (ba + b/(a+1)) * a */
  double da = b + 1 / (b + 1) + 2 * a * b + b / (a + 1) - a * b / ((a + 1) * (a + 1));
  double db = a - a / ((b + 1) * (b + 1)) + a * a + a / (a + 1);
  check("vec2 da", __enzyme_fwddiff((void *)vec2, a, 1.0, b, 0.0), da, 1e-12);
  check("vec2 db", __enzyme_fwddiff((void *)vec2, a, 0.0, b, 1.0), db, 1e-12);
  /* v = (a, b, ab, 1), s = (1, ab, b, a), m = v*s - v:
     m0 = a - a = 0, m1 = ab^2 - b, m2 = ab^2 - ab, m3 = a - 1 */
  float fa = 0.8f, fb = 1.9f;
  double wa = 2 * fb * fb + 3 * (fb * fb - fb) + 4;
  double wb = 2 * (2 * fa * fb - 1) + 3 * (2 * fa * fb - fa);
  check("vec4 da", __enzyme_fwddiff((void *)vec4, fa, 1.0f, fb, 0.0f), wa, 1e-5);
  check("vec4 db", __enzyme_fwddiff((void *)vec4, fa, 0.0f, fb, 1.0f), wb, 1e-5);
  return failures != 0;
}
