/* The same callee called with different activity: mulsin(a, b) with only a active, only
   b active, both, and neither (its arguments read from a constant pointer), so the
   derivative needs several versions of it; and a helper writing through a pointer,
   called once on a local (active) slot and once on a constant one. */
#include "check.h"

__attribute__((noinline)) double mulsin(double a, double b) { return a * sin(b) + a * a * b; }

__attribute__((noinline)) void store_sq(double *out, double v) { *out = v * v; }

double act(double x, const double *c) {
  double slot, inactive;
  store_sq(&slot, x * c[0]);
  store_sq(&inactive, c[1]);
  return mulsin(x, c[0]) + mulsin(c[1], x) + mulsin(x, x) + mulsin(c[0], c[1]) + slot * inactive;
}

static const double cst[2] = {0.8, -1.3};
static double fd_act(const double *p) { return act(p[0], cst); }

int main(void) {
  double x = 0.55, c0 = cst[0], c1 = cst[1];
  double want[1] = {sin(c0) + 2 * x * c0 + c1 * cos(x) + c1 * c1 + sin(x) + x * cos(x)
                    + 3 * x * x + 2 * x * c0 * c0 * c1 * c1};
  double p[1] = {x};
  double got[1] = {__enzyme_autodiff((void *)act, x, enzyme_const, cst)};
  check_grad("act", fd_act, p, 1, got, want);
  check_fwd("act fwd", __enzyme_fwddiff((void *)act, x, 1.0, enzyme_const, cst), got[0],
            want[0], 1e-12);
  return failures != 0;
}
