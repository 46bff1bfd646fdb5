/* CFLAGS: -fno-math-errno */
/* Without errno, clang emits LLVM intrinsics for the math calls (llvm.sqrt, llvm.pow,
   llvm.exp, llvm.log, llvm.fma, llvm.copysign, llvm.floor, llvm.sin, llvm.cos,
   llvm.fabs, llvm.maxnum): their adjoints, floor's being zero. */
#include "check.h"

double f(double x, double y) {
  return sqrt(x) * pow(y, 3.0) + exp(x * y) + log(x + y) + fma(x, y, x * x)
         + copysign(x, -1.0) + floor(x) * y + sin(y) * cos(x) + fabs(y - x) * fmax(x, 2.0);
}

static double fd_f(const double *p) { return f(p[0], p[1]); }

int main(void) {
  double x = 1.4, y = 0.6; /* y < x: |y - x| = x - y; fmax(x, 2) = 2 */
  double want[2] = {y * y * y / (2 * sqrt(x)) + y * exp(x * y) + 1 / (x + y) + y + 2 * x - 1
                        - sin(y) * sin(x) + 2,
                    3 * sqrt(x) * y * y + x * exp(x * y) + 1 / (x + y) + x + floor(x)
                        + cos(y) * cos(x) - 2};
  grad2 d = __enzyme_autodiff2((void *)f, x, y);
  double p[2] = {x, y}, got[2] = {d.dx, d.dy};
  check_grad("intrinsics", fd_f, p, 2, got, want);
  check_fwd("intrinsics fwd x", __enzyme_fwddiff((void *)f, x, 1.0, y, 0.0), d.dx, want[0],
            1e-12);
  check_fwd("intrinsics fwd y", __enzyme_fwddiff((void *)f, x, 0.0, y, 1.0), d.dy, want[1],
            1e-12);
  return failures != 0;
}
