/* Split mode with a caller-allocated tape, as Enzyme's own split-mode test spells it:
   __enzyme_augmentsize with one activity marker per parameter, __enzyme_augmentfwd
   (enzyme_allocated, size, enzyme_tape, buffer, args...) runs the primal and writes the
   tape into the buffer, __enzyme_reverse with the same buffer accumulates the gradient.
   step() overwrites its input in place, so the tape must hold the old values:
   x0' = x0 x1 + sin x0, x1' = x1^2 - x0. The allocated size is a constant at least
   as large as the one __enzyme_augmentsize reports. */
#include "check.h"

#define TAPE_BYTES 512

void step(double *x) {
  double a = x[0], b = x[1];
  x[0] = a * b + sin(a);
  x[1] = b * b - a;
}

static const double seed[2] = {0.75, -1.25};
static double fd_step(const double *p) {
  double x[2] = {p[0], p[1]};
  step(x);
  return vdot(seed, x, 2);
}

int main(void) {
  double tape[TAPE_BYTES / sizeof(double)];
  int size = __enzyme_augmentsize((void *)step, enzyme_dup);
  check("augmentsize fits", size <= TAPE_BYTES && size >= 0, 1, 0);
  double a = 1.2, b = 0.4, x[2] = {a, b}, dx[2] = {seed[0], seed[1]};
  __enzyme_augmentfwd((void *)step, enzyme_allocated, TAPE_BYTES, enzyme_tape, tape, x, dx);
  check("augmented primal x0", x[0], a * b + sin(a), 1e-15);
  check("augmented primal x1", x[1], b * b - a, 1e-15);
  __enzyme_reverse((void *)step, enzyme_allocated, TAPE_BYTES, enzyme_tape, tape, x, dx);
  double p[2] = {a, b};
  double want[2] = {seed[0] * (b + cos(a)) - seed[1], seed[0] * a + seed[1] * 2 * b};
  check_grad("split step", fd_step, p, 2, dx, want);
  for (int k = 0; k < 2; k++) {
    double y[2] = {a, b}, t[2] = {k == 0, k == 1};
    __enzyme_fwddiff_v((void *)step, y, t);
    check_fwd("step fwd", vdot(seed, t, 2), dx[k], want[k], 1e-12);
  }
  return failures != 0;
}
