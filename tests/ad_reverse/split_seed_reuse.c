/* One augmented forward pass reversed twice with different seeds of the double result
   (the seed is __enzyme_reverse's last argument): g returns x0 x1 y + exp(x0 y), x
   duplicated, y active (its derivative is what __enzyme_reverse returns). A reverse
   pass frees what the tape owns (caches it allocated), so the first reversal passes
   enzyme_nofree (Enzyme's marker for "do not free the tape's memory") and only the
   second, default one frees; each reversal adds seed * gradient to dx. */
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
  double p[3] = {x[0], x[1], y};
  /* the first reversal, seed -2.5: the tape's memory is kept */
  double dy1 = __enzyme_reverse_d((void *)g, enzyme_allocated, TAPE_BYTES, enzyme_nofree,
                                  enzyme_tape, tape, x, dx, y, -2.5);
  double got1[3] = {dx[0] / -2.5, dx[1] / -2.5, dy1 / -2.5};
  check_grad("first reversal", fd_g, p, 3, got1, want);
  /* the same tape reversed again, seed 1, which frees it */
  dx[0] = dx[1] = 0;
  double dy2 = __enzyme_reverse_d((void *)g, enzyme_allocated, TAPE_BYTES, enzyme_tape, tape, x,
                                  dx, y, 1.0);
  double got2[3] = {dx[0], dx[1], dy2};
  check_grad("second reversal", fd_g, p, 3, got2, want);
  double t[2] = {0, 0};
  check_fwd("g fwd y", __enzyme_fwddiff((void *)g, x, t, y, 1.0), dy2, want[2], 1e-12);
  for (int k = 0; k < 2; k++) {
    t[k] = 1;
    check_fwd("g fwd x", __enzyme_fwddiff((void *)g, x, t, y, 0.0), got2[k], want[k], 1e-12);
    t[k] = 0;
  }
  return failures != 0;
}
