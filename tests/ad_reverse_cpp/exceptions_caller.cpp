// C++ with exceptions on: the __enzyme_* calls sit in main among calls that may throw,
// so clang emits them as `invoke`; their replacements must keep the block well formed.
// (Compiled WITHOUT -fno-exceptions.)
#include <cstdio>
#include <vector>
#include <cmath>
extern "C" { extern int enzyme_const, enzyme_dup; double __enzyme_autodiff(void *, ...); double __enzyme_fwddiff(void *, ...); }
double f(double x) { return x * x * std::sin(x); }
int main() {
  std::vector<double> v(3, 1.0);
  double d = __enzyme_autodiff((void *)f, 0.5);
  double t = __enzyme_fwddiff((void *)f, 0.5, 1.0);
  double want = 2 * 0.5 * std::sin(0.5) + 0.25 * std::cos(0.5);
  std::printf("%g %g %g\n", d, t, want);
  return std::fabs(d - want) > 1e-12 || std::fabs(t - want) > 1e-12;
}
