/* switch, early return, do/while, a struct returned through sret, a constant global
   table (inactive loads), bit copies of doubles through integers, a returned pointer. */
#include <string.h>
#include "check.h"

static const double table[4] = {0.5, 1.5, -2.0, 3.0};

struct big { double a, b, c, d; int n; };

__attribute__((noinline)) struct big make(double x) {
  struct big r = {x, 2 * x, x * x, table[3] * x, 4};
  return r;
}

double piecewise(double x, int mode) {
  double r;
  switch (mode) {
  case 0: r = x * table[0]; break;
  case 1: r = x * x * table[1]; break;
  case 2: return x * table[2] + 1;
  default: r = sin(x);
  }
  int k = 0;
  do {
    r = r * 1.5;
    k++;
  } while (k < 2);
  return r;
}

double viabig(double x) {
  struct big s = make(x);
  return s.a + s.b * s.c + s.d + s.n;
}

/* copies doubles as 64-bit integers: the shadow bits must move with them */
void swapbits(double *p, double *q) {
  unsigned long long a, b;
  memcpy(&a, p, 8);
  memcpy(&b, q, 8);
  memcpy(p, &b, 8);
  memcpy(q, &a, 8);
}

double useswap(double x, double y) {
  double u = x * 2, v = y * 3;
  swapbits(&u, &v);
  return u * 10 + v;
}

__attribute__((noinline)) double *pick(double *a, double *b, int first) {
  return first ? a : b;
}

double viapointer(double x, double y) {
  double a = x * x, b = y;
  double *p = pick(&a, &b, 1);
  return *p + y;
}

int main(void) {
  double x = 0.8;
  check("switch 0", __enzyme_fwddiff((void *)piecewise, x, 1.0, enzyme_const, 0),
        0.5 * 2.25, 1e-12);
  check("switch 1", __enzyme_fwddiff((void *)piecewise, x, 1.0, enzyme_const, 1),
        2 * x * 1.5 * 2.25, 1e-12);
  check("switch 2", __enzyme_fwddiff((void *)piecewise, x, 1.0, enzyme_const, 2), -2.0,
        1e-12);
  check("switch 3", __enzyme_fwddiff((void *)piecewise, x, 1.0, enzyme_const, 3),
        cos(x) * 2.25, 1e-12);
  check("sret", __enzyme_fwddiff((void *)viabig, x, 1.0), 1 + 2 * 3 * x * x + 3, 1e-12);
  check("swap dx", __enzyme_fwddiff((void *)useswap, x, 1.0, 0.3, 0.0), 2, 1e-12);
  check("swap dy", __enzyme_fwddiff((void *)useswap, x, 0.0, 0.3, 1.0), 30, 1e-12);
  double u = 1, du = 5, v = 2, dv = 7;
  __enzyme_fwddiff((void *)swapbits, &u, &du, &v, &dv); /* i64 loads/stores at -O2 */
  check("swapbits du", du, 7, 0);
  check("swapbits dv", dv, 5, 0);
  check("pointer", __enzyme_fwddiff((void *)viapointer, x, 1.0, 0.3, 1.0), 2 * x + 1, 1e-12);
  return failures != 0;
}
