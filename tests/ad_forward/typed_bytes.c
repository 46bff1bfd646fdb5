/* Type analysis: bytes moved through untyped memory (a char buffer, memcpy, a union)
   with opaque pointers; integers among them used in integer arithmetic (their tangent
   is rightly dropped: TBAA or the typed field says they are integers); doubles moved
   as raw bytes keep their tangents. */
#include <string.h>
#include "check.h"

struct rec { int n; double w; long k; };
union u { double d; unsigned long long bits; };

double through_buffer(const struct rec *r) {
  unsigned char buf[sizeof(struct rec)];
  memcpy(buf, r, sizeof buf);
  struct rec c;
  memcpy(&c, buf, sizeof c);
  c.n = c.n * 3 + 1;
  c.k -= 2;
  return c.w * c.n + c.k;
}
double through_union(double x) {
  union u a;
  a.d = x * x;
  union u b = a; /* copies the bits */
  return b.d * 2 + (double)(b.bits != 0);
}
double shuffle(double *v, int n) {
  double tmp[8];
  memcpy(tmp, v, n * sizeof(double));
  memmove(v + 1, tmp, (n - 1) * sizeof(double));
  memset(v, 0, sizeof(double));
  double s = 0;
  for (int i = 0; i < n; i++) s += v[i] * (i + 1);
  return s;
}

int main(void) {
  struct rec r = {2, 1.5, 10}, dr = {0, 1.0, 0};
  /* w (3n + 1) + k - 2: d = dw * 7 */
  check("through_buffer", __enzyme_fwddiff((void *)through_buffer, &r, &dr), 7, 1e-12);
  check("through_union", __enzyme_fwddiff((void *)through_union, 0.75, 1.0), 4 * 0.75, 1e-12);
  double v[4] = {1, 2, 3, 4}, dv[4] = {1, 1, 0, 0};
  /* v = 0, v0, v1, v2: s = 2 v0 + 3 v1 + 4 v2 */
  check("shuffle", __enzyme_fwddiff((void *)shuffle, v, dv, enzyme_const, 4), 5, 1e-12);
  return failures != 0;
}
