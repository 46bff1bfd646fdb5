/* Split mode without enzyme_allocated, as Enzyme's own integration tests call it:
   `void *tape = __enzyme_augmentfwd((void *)f, x, x_b)` returns a tape pointer (f is
   void), and `__enzyme_reverse((void *)f, x, x_b, tape)` takes it as the argument after
   the function's own (no enzyme_tape marker) and frees it. upd() overwrites both
   entries: x0' = x0 + x1^2, x1' = sin(x1) x0'. */
#define CHECK_OWN_PROTOTYPES
#include "check.h"

extern void *__enzyme_augmentfwd(void *, double *, double *);
extern void __enzyme_reverse(void *, double *, double *, void *);
extern void __enzyme_fwddiff(void *, ...);

void upd(double x[2]) {
  double a = x[0], b = x[1];
  x[0] = a + b * b;
  x[1] = sin(b) * x[0];
}

static const double seed[2] = {1.0, 2.0};
static double fd_upd(const double *p) {
  double x[2] = {p[0], p[1]};
  upd(x);
  return vdot(seed, x, 2);
}

int main(void) {
  double a = 0.9, b = 0.7, x[2] = {a, b}, x_b[2] = {seed[0], seed[1]};
  void *tape = __enzyme_augmentfwd((void *)upd, x, x_b);
  check("augmented primal", x[1], sin(b) * (a + b * b), 1e-15);
  __enzyme_reverse((void *)upd, x, x_b, tape);
  double want[2] = {seed[0] + seed[1] * sin(b),
                    seed[0] * 2 * b + seed[1] * (cos(b) * (a + b * b) + sin(b) * 2 * b)};
  double p[2] = {a, b};
  check_grad("tape pointer", fd_upd, p, 2, x_b, want);
  for (int k = 0; k < 2; k++) {
    double y[2] = {a, b}, t[2] = {k == 0, k == 1};
    __enzyme_fwddiff((void *)upd, y, t);
    check_fwd("upd fwd", vdot(seed, t, 2), x_b[k], want[k], 1e-12);
  }
  /* a second, independent pair: a new tape */
  x[0] = a, x[1] = b, x_b[0] = seed[0], x_b[1] = seed[1];
  tape = __enzyme_augmentfwd((void *)upd, x, x_b);
  __enzyme_reverse((void *)upd, x, x_b, tape);
  check("second pair d0", x_b[0], want[0], 1e-12);
  check("second pair d1", x_b[1], want[1], 1e-12);
  return failures != 0;
}
