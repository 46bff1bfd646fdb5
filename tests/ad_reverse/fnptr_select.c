/* Calls through function pointers that resolve to known functions: a pointer chosen by
   a ternary on a constant argument, a static const table of function pointers, and a
   pointer passed to a noinline higher-order helper. */
#include "check.h"

double sq(double x) { return x * x; }
double cube(double x) { return x * x * x; }
double quart(double x) { return x * x * x * x; }

static double (*const ops[3])(double) = {sq, cube, quart};

double viaptr(double x, int which) {
  double (*f)(double) = which ? sq : cube;
  return f(x) + f(2 * x);
}

double table_call(double x) {
  double s = 0;
  for (int i = 0; i < 3; i++) s += ops[i](x) * (i + 1);
  return s;
}

__attribute__((noinline)) double twice(double (*f)(double), double x) { return f(f(x)); }

double higher(double x) { return twice(sq, x) + twice(cube, x); }

static int which;
static double fd_via(const double *p) { return viaptr(p[0], which); }
static double fd_table(const double *p) { return table_call(p[0]); }
static double fd_higher(const double *p) { return higher(p[0]); }

int main(void) {
  double x[1] = {0.85};
  for (which = 0; which < 2; which++) {
    /* sq: x^2 + 4x^2; cube: x^3 + 8x^3 */
    double want[1] = {which ? 10 * x[0] : 27 * x[0] * x[0]};
    double got[1] = {__enzyme_autodiff((void *)viaptr, x[0], which)};
    check_grad("viaptr", fd_via, x, 1, got, want);
    check_fwd("viaptr fwd", __enzyme_fwddiff((void *)viaptr, x[0], 1.0, which), got[0],
              want[0], 1e-12);
  }
  double wt[1] = {2 * x[0] + 6 * x[0] * x[0] + 12 * x[0] * x[0] * x[0]};
  double gt[1] = {__enzyme_autodiff((void *)table_call, x[0])};
  check_grad("table_call", fd_table, x, 1, gt, wt);
  check_fwd("table_call fwd", __enzyme_fwddiff((void *)table_call, x[0], 1.0), gt[0], wt[0],
            1e-12);
  /* x^4 + x^9 */
  double wh[1] = {4 * pow(x[0], 3) + 9 * pow(x[0], 8)};
  double gh[1] = {__enzyme_autodiff((void *)higher, x[0])};
  check_grad("higher", fd_higher, x, 1, gh, wh);
  check_fwd("higher fwd", __enzyme_fwddiff((void *)higher, x[0], 1.0), gh[0], wh[0], 1e-12);
  return failures != 0;
}
