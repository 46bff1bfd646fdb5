/* The next double up, by adding one to the double's bits: integer arithmetic on float
   bits (its derivative is ~1, dropping the tangent at the `add` would give 0). Forward
   mode must refuse, naming the instruction. */
#include <stdint.h>
#include <string.h>

extern double __enzyme_fwddiff(void *, ...);

double next_up(double x) {
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  b += 1;
  double r;
  memcpy(&r, &b, sizeof r);
  return r * 2;
}

int main(void) { return __enzyme_fwddiff((void *)next_up, 1.5, 1.0) != 2.0; }
