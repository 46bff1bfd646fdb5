/* One augmented forward pass reversed twice with different seeds of the double result
   (the seed is __enzyme_reverse's last argument): g returns x0 x1 y + exp(x0 y), x
   duplicated, y active (its derivative is what __enzyme_reverse returns). The function
   is straight-line, so the tape in the caller's buffer holds only values and reversing
   does not consume it; each reversal adds seed * gradient to dx. */
#include "check.h"

#define TAPE_BYTES 256

double g(const double *x, double y) {
  return x[0] * x[1] * y + exp(x[0] * y);
}

static double fd_g(const double *p) { return g(p, p[2]); }

int main(void) {
  double tape[TAPE_BYTES / sizeof(double)];
  double x[2] = {0.7, -1.3}, dx[2] = {0, 0}, y = 0.9;
  int size = __enzyme_augmentsize((void *)g, enzyme_dup, enzyme_out);
  check("augmentsize fits", size <= TAPE_BYTES && size >= 0, 1, 0);
  double primal = __enzyme_augmentfwd_d((void *)g, enzyme_allocated, TAPE_BYTES, enzyme_tape,
                                        tape, x, dx, y);
  check("augmented primal", primal, g(x, y), 1e-15);
  double e = exp(x[0] * y);
  double want[3] = {x[1] * y + y * e, x[0] * y, x[0] * x[1] + x[0] * e};
  double seeds[2] = {1.0, -2.5}, dys[2];
  for (int s = 0; s < 2; s++) {
    dx[0] = dx[1] = 0;
    double dy = __enzyme_reverse_d((void *)g, enzyme_allocated, TAPE_BYTES, enzyme_tape, tape,
                                   x, dx, y, seeds[s]);
    dys[s] = dy / seeds[s];
    double got[3] = {dx[0] / seeds[s], dx[1] / seeds[s], dys[s]};
    double p[3] = {x[0], x[1], y};
    check_grad("reversed again", fd_g, p, 3, got, want);
  }
  double t[2] = {0, 0};
  check_fwd("g fwd y", __enzyme_fwddiff((void *)g, x, t, y, 1.0), dys[0], want[2], 1e-12);
  for (int k = 0; k < 2; k++) {
    t[k] = 1;
    check_fwd("g fwd x", __enzyme_fwddiff((void *)g, x, t, y, 0.0), dx[k] / seeds[1], want[k],
              1e-12);
    t[k] = 0;
  }
  return failures != 0;
}
