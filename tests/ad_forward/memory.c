/* Structs, local arrays, memcpy/memset, malloc, float (single precision) with
   fpext/fptrunc. */
#include <stdlib.h>
#include <string.h>
#include "check.h"

struct pt { double x, y; int tag; };

double norm2(const struct pt *p) {
  struct pt q;
  memcpy(&q, p, sizeof q); /* struct copy of active memory */
  return q.x * q.x + q.y * q.y + q.tag;
}

double heap(double a, int n) {
  double *buf = malloc(n * sizeof(double));
  memset(buf, 0, n * sizeof(double));
  for (int i = 0; i < n; i++)
    buf[i] = a * (i + 1);
  double s = 0;
  for (int i = 0; i < n; i++)
    s += buf[i] * buf[i];
  free(buf);
  return s;
}

float fsingle(float a, float b) { return sinf(a) * b + sqrtf(a * b) + expf(b) / a; }

double mixed(double a) {
  float f = (float)a; /* fptrunc */
  return (double)(f * f) + a; /* fpext */
}

int main(void) {
  struct pt p = {3, 4, 7}, dp = {1, 2, 0};
  check("norm2", __enzyme_fwddiff((void *)norm2, &p, &dp), 2 * 3 * 1 + 2 * 4 * 2, 1e-12);
  /* heap = a^2 * sum (i+1)^2 = a^2 * 30 for n = 4 */
  check("heap", __enzyme_fwddiff((void *)heap, 1.5, 1.0, enzyme_const, 4), 2 * 1.5 * 30,
        1e-12);
  float a = 0.6f, b = 1.7f;
  double wa = cosf(a) * b + 0.5f * b / sqrtf(a * b) - expf(b) / (a * a);
  double got = __enzyme_fwddiff((void *)fsingle, a, 1.0f, b, 0.0f);
  check("fsingle", got, wa, 1e-5);
  check("mixed", __enzyme_fwddiff((void *)mixed, 0.75, 1.0), 2 * 0.75 + 1, 1e-6);
  return failures != 0;
}
