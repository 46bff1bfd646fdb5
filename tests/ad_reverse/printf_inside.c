/* printf and puts inside the differentiated function (inactive calls, run once by the
   derivative as by the primal), a global integer counter incremented there (inactive
   memory), and a branch on the printed value. */
#include "check.h"

int calls;

double logged(double x, double y) {
  calls++;
  printf("logged(%.3f, %.3f)\n", x, y);
  double r = x * exp(y);
  if (r > 100)
    puts("large");
  else
    printf("r = %.6f\n", r);
  return r * r;
}

static double fd_logged(const double *p) { return logged(p[0], p[1]); }

int main(void) {
  double x = 1.2, y = 0.3, r = x * exp(y);
  double want[2] = {2 * r * exp(y), 2 * r * r};
  int before = calls;
  grad2 d = __enzyme_autodiff2((void *)logged, x, y);
  check("printf ran once", calls - before, 1, 0);
  double p[2] = {x, y}, got[2] = {d.dx, d.dy};
  check_grad("logged", fd_logged, p, 2, got, want);
  check_fwd("logged fwd x", __enzyme_fwddiff((void *)logged, x, 1.0, y, 0.0), d.dx, want[0],
            1e-12);
  check_fwd("logged fwd y", __enzyme_fwddiff((void *)logged, x, 0.0, y, 1.0), d.dy, want[1],
            1e-12);
  return failures != 0;
}
