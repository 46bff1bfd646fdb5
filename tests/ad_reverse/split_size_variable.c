/* Split mode the way Enzyme's documentation examples size the tape: the size comes from
   __enzyme_augmentsize into a variable, the buffer is malloc'd with it, and that same
   variable is what follows enzyme_allocated in both calls (Enzyme replaces the size
   query by a constant before it reads enzyme_allocated). foo(u, x, mu):
   u_i = mu x_i^2 for three entries, mu constant. */
#include "check.h"

void foo(double *u, const double *x, double mu) {
  for (int i = 0; i < 3; i++) u[i] = mu * (x[i] * x[i]);
}

static const double seed[3] = {1.0, 0.5, -2.0};
static double fd_foo(const double *p) {
  double u[3];
  foo(u, p, 1.7);
  return vdot(seed, u, 3);
}

void grad_foo(double *u, double *du, const double *x, double *dx, double mu) {
  int size = __enzyme_augmentsize((void *)foo, enzyme_dup, enzyme_dup, enzyme_const);
  void *data = malloc(size > 0 ? size : 1);
  __enzyme_augmentfwd((void *)foo, enzyme_allocated, size, enzyme_tape, data, u, du, x, dx,
                      enzyme_const, mu);
  __enzyme_reverse((void *)foo, enzyme_allocated, size, enzyme_tape, data, u, du, x, dx,
                   enzyme_const, mu);
  free(data);
}

int main(void) {
  double x[3] = {0.4, -1.2, 0.9}, dx[3] = {0}, u[3], du[3], mu = 1.7, want[3];
  memcpy(du, seed, sizeof du);
  grad_foo(u, du, x, dx, mu);
  for (int i = 0; i < 3; i++) {
    want[i] = seed[i] * 2 * mu * x[i];
    check("u primal", u[i], mu * x[i] * x[i], 1e-15);
  }
  check_grad("foo", fd_foo, x, 3, dx, want);
  for (int k = 0; k < 3; k++) {
    double t[3] = {0}, tu[3] = {0};
    t[k] = 1;
    __enzyme_fwddiff_v((void *)foo, u, tu, x, t, enzyme_const, mu);
    check_fwd("foo fwd", vdot(seed, tu, 3), dx[k], want[k], 1e-12);
  }
  return failures != 0;
}
