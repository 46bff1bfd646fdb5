/* __attribute__((annotate("enzyme_inactive"))) on functions (recorded by clang in
   llvm.global.annotations), treated like __enzyme_inactivefn: trace() accumulates an
   active value into a global and still runs once per call of the primal; detach()
   returns a value computed from its argument through a volatile and stops the
   gradient. f(x, y) = sin(x) y + d exp(x) with d = detach(x^2 + y), d held constant.
   Reverse and forward mode. */
#include "custom.h"

int trace_calls;
double trace_sum;
volatile double detach_box;

__attribute__((annotate("enzyme_inactive"), noinline)) void trace(double v) {
  trace_calls++;
  trace_sum += v;
}

__attribute__((annotate("enzyme_inactive"), noinline)) double detach(double v) {
  detach_box = v;
  return detach_box;
}

double f(double x, double y) {
  trace(x);
  double d = detach(x * x + y);
  double r = sin(x) * y + d * exp(x);
  trace(r);
  return r;
}

static double fd_f(const double *p) { return f(p[0], p[1]); }
static double frozen_d;
static double model(const double *p) { return sin(p[0]) * p[1] + frozen_d * exp(p[0]); }

int main(void) {
  double x = 0.6, y = -0.9;
  int t0 = trace_calls;
  double s0 = trace_sum;
  grad2 g = __enzyme_autodiff2((void *)f, x, y);
  int dt = trace_calls - t0;
  frozen_d = x * x + y;
  double r = sin(x) * y + frozen_d * exp(x);
  check_count("trace calls during the gradient", dt, 2);
  check("trace_sum accumulated by the gradient", trace_sum - s0, x + r, 1e-14);
  double want[2] = {cos(x) * y + frozen_d * exp(x), sin(x)};
  double p[2] = {x, y}, got[2] = {g.dx, g.dy};
  check_grad_rule("f", fd_f, model, p, 2, got, want);
  double fgot[2] = {__enzyme_fwddiff((void *)f, x, 1.0, y, 0.0),
                    __enzyme_fwddiff((void *)f, x, 0.0, y, 1.0)};
  check_grad_rule("f forward", fd_f, model, p, 2, fgot, want);
  return failures != 0;
}
