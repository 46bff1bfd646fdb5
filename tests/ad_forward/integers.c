/* Integer arithmetic, comparisons and bit operations mixed with floats: they carry no
   derivative; integers stored next to doubles in memory. */
#include "check.h"

struct rec { int count; double value; unsigned flags; };

double mix(double x, int n) {
  int a = n * 3 + 1, b = (a << 2) ^ 5, c = b % 7;
  unsigned u = (unsigned)a >> 1;
  double s = x * a + (c > 2 ? x : 2 * x) + u;
  if ((b & 1) == 0) s += x * x;
  return s;
}
double record(struct rec *r) {
  r->count += 2;
  r->flags |= 4u;
  return r->value * r->count + (double)r->flags;
}

int main(void) {
  int n = 3;
  int a = n * 3 + 1, b = (a << 2) ^ 5, c = b % 7;
  double x = 0.9;
  double want = a + (c > 2 ? 1 : 2) + ((b & 1) == 0 ? 2 * x : 0);
  check("mix", __enzyme_fwddiff((void *)mix, x, 1.0, enzyme_const, n), want, 1e-12);
  struct rec r = {3, 1.25, 1}, dr = {0, 1.0, 0};
  check("record", __enzyme_fwddiff((void *)record, &r, &dr), 5, 1e-12);
  return failures != 0;
}
