/* memcpy / memmove / memset with shadows: overlapping moves, struct copies that mix
   integers and doubles, zeroing active memory. */
#include <string.h>
#include "check.h"

struct mixed { int id; double w[3]; long tag; float f; };

double shift(double *a, int n) {
  memmove(a + 1, a, (n - 1) * sizeof(double)); /* overlapping */
  a[0] = 0;
  double s = 0;
  for (int i = 0; i < n; i++) s += a[i] * (i + 1);
  return s;
}
double copy_struct(const struct mixed *m) {
  struct mixed c;
  memcpy(&c, m, sizeof c);
  c.id += 1;
  memset(c.w, 0, sizeof(double)); /* w[0] := 0 */
  return c.w[1] * c.w[2] * c.id + c.f + c.tag;
}
double buffers(double x) {
  double a[4], b[4];
  memset(a, 0, sizeof a);
  a[1] = x;
  a[2] = x * x;
  memcpy(b, a, sizeof a);
  memmove(b + 1, b, 2 * sizeof(double));
  return b[0] + b[1] + 10 * b[2] + 100 * b[3];
}

int main(void) {
  double a[5] = {1, 2, 3, 4, 5}, da[5] = {1, 0, 0, 0, 1};
  /* after the move a = 0, a0, a1, a2, a3: s = 2 a0 + 3 a1 + 4 a2 + 5 a3 */
  check("memmove", __enzyme_fwddiff((void *)shift, a, da, enzyme_const, 5), 2, 1e-12);
  check("memmove shadow", da[1] + da[4], 1, 1e-12);
  struct mixed m = {4, {1.0, 2.0, 3.0}, 7, 0.5f}, dm;
  memset(&dm, 0, sizeof dm);
  dm.w[0] = 1;
  dm.w[1] = 1;
  dm.f = 2;
  /* w1 w2 (id+1) + f + tag: d = dw1 * w2 * 5 + df */
  check("memcpy struct", __enzyme_fwddiff((void *)copy_struct, &m, &dm), 3 * 5 + 2, 1e-6);
  /* a = 0, x, x^2, 0; the move gives b = 0, 0, x, 0 */
  check("buffers", __enzyme_fwddiff((void *)buffers, 0.3, 1.0), 10, 1e-12);
  return failures != 0;
}
