/* An exhaustive switch over an enum followed by __builtin_unreachable() (an
   `unreachable` terminator the reverse pass must leave alone), applied in a loop:
   r5 = ((x + y)(y + 1) / (y + 2) - (y + 3)) + (y + 4). */
#include "check.h"

enum op { ADD, MUL, DIV, SUB };

__attribute__((noinline)) double apply(enum op o, double a, double b) {
  switch (o) {
  case ADD:
    return a + b;
  case MUL:
    return a * b;
  case DIV:
    return a / b;
  case SUB:
    return a - b;
  }
  __builtin_unreachable();
}

double chain(double x, double y, int k) {
  double r = x;
  for (int i = 0; i < k; i++) r = apply((enum op)(i % 4), r, y + i);
  return r;
}

static double fd_chain(const double *p) { return chain(p[0], p[1], 5); }

int main(void) {
  double x = 0.7, y = 1.9, q = y + 2;
  double want[2] = {(y + 1) / q, ((x + 2 * y + 1) * q - (x + y) * (y + 1)) / (q * q)};
  grad2 d = __enzyme_autodiff2((void *)chain, x, y, 5);
  double p[2] = {x, y}, got[2] = {d.dx, d.dy};
  check_grad("chain", fd_chain, p, 2, got, want);
  check_fwd("chain fwd x", __enzyme_fwddiff((void *)chain, x, 1.0, y, 0.0, 5), d.dx, want[0],
            1e-12);
  check_fwd("chain fwd y", __enzyme_fwddiff((void *)chain, x, 0.0, y, 1.0, 5), d.dy, want[1],
            1e-12);
  return failures != 0;
}
