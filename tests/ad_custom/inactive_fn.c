/* __enzyme_inactivefn: calls to the listed functions carry no derivative. log_value
   records an active value in a global double and counts its calls (a logging function:
   it still runs, once per call of the primal); stop_gradient returns its argument
   through a volatile (so the optimizer cannot see that it does) and, being inactive,
   stops the gradient: the gradient of x^2 y + c sin y with c = stop_gradient(x y) treats
   c as a constant. Reverse and forward mode. */
#include "custom.h"

int log_calls;
double logged_last;
volatile double stop_box;

__attribute__((noinline)) void log_value(const char *tag, double v) {
  log_calls++;
  logged_last = v;
  if (getenv("AD_CUSTOM_VERBOSE"))
    printf("%s = %g\n", tag, v);
}

__attribute__((noinline)) double stop_gradient(double x) {
  stop_box = x;
  return stop_box;
}

void *__enzyme_inactivefn[] = {(void *)log_value, (void *)stop_gradient};

double loss(double x, double y) {
  log_value("x", x);
  double c = stop_gradient(x * y);
  double r = x * x * y + c * sin(y);
  log_value("r", r);
  return r;
}

static double fd_loss(const double *p) { return loss(p[0], p[1]); }
/* loss with the stopped value frozen at the point of the check */
static double frozen_c;
static double model(const double *p) { return p[0] * p[0] * p[1] + frozen_c * sin(p[1]); }

int main(void) {
  double x = 1.3, y = 0.7;
  int l0 = log_calls;
  grad2 d = __enzyme_autodiff2((void *)loss, x, y);
  int dl = log_calls - l0;
  double r = x * x * y + x * y * sin(y);
  check_count("log_value calls during the gradient", dl, 2);
  check("last logged value", logged_last, r, 1e-15);
  frozen_c = x * y;
  double want[2] = {2 * x * y, x * x + frozen_c * cos(y)};
  double p[2] = {x, y}, got[2] = {d.dx, d.dy};
  check_grad_rule("loss", fd_loss, model, p, 2, got, want);
  double fx = __enzyme_fwddiff((void *)loss, x, 1.0, y, 0.0);
  double fy = __enzyme_fwddiff((void *)loss, x, 0.0, y, 1.0);
  double fgot[2] = {fx, fy};
  check_grad_rule("loss forward", fd_loss, model, p, 2, fgot, want);
  return failures != 0;
}
