// An exception thrown while a gradient runs reaches the caller's try/catch, in both modes
// (`__enzyme_autodiff`/`__enzyme_fwddiff` called inside `try`, which clang emits as
// `invoke`); the program goes on and later gradients are right.
#include <cmath>
#include <cstdio>
#include <stdexcept>

extern "C" {
extern int enzyme_dup, enzyme_const, enzyme_out;
double __enzyme_autodiff(void *, ...);
double __enzyme_fwddiff(void *, ...);
}

__attribute__((noinline)) double checked_log(double x) {
  if (x <= 0) throw std::domain_error("log of a non-positive number");
  return std::log(x);
}

double f(double x, double y) { return checked_log(x) * y + std::sin(x * y); }

int main() {
  int bad = 0, caught = 0;
  for (double x : {0.5, -1.0, 2.0}) {
    double y = 1.5;
    double want = y / x + y * std::cos(x * y);
    try {
      double d = __enzyme_autodiff((void *)f, x, enzyme_const, y);
      if (x <= 0 || std::fabs(d - want) > 1e-12 * std::fmax(1, std::fabs(want))) {
        std::printf("FAIL reverse at %g: %.17g, want %.17g\n", x, d, want);
        bad = 1;
      }
    } catch (const std::domain_error &e) {
      caught += x <= 0;
      if (x > 0) bad = 1;
    }
    try {
      double t = __enzyme_fwddiff((void *)f, x, 1.0, enzyme_const, y);
      if (x <= 0 || std::fabs(t - want) > 1e-12 * std::fmax(1, std::fabs(want))) {
        std::printf("FAIL forward at %g: %.17g, want %.17g\n", x, t, want);
        bad = 1;
      }
    } catch (const std::domain_error &e) {
      caught += x <= 0;
      if (x > 0) bad = 1;
    }
  }
  if (caught != 2) {
    std::printf("FAIL: %d exceptions caught, want 2\n", caught);
    bad = 1;
  }
  std::printf("%s\n", bad ? "FAIL" : "ok");
  return bad;
}
