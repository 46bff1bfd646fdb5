// Reverse mode differentiates `invoke` whose unwind paths only clean up and leave the
// function (invoke_cleanup.cpp), not a try/catch that catches the exception and goes on:
// its reverse sweep would need to know which path ran. The gradient must be refused with
// a located error naming the invoke, never a traceback or a silently wrong gradient.
// (Forward mode supports it: tests/ad_forward_cpp/invoke.cpp.)
#include <cmath>
#include <stdexcept>
extern "C" double __enzyme_autodiff(void *, ...);
__attribute__((noinline)) double risky(double x) {
  if (x > 10) throw std::domain_error("too big");
  return x * x * std::sin(x);
}
double guarded(double x) {
  double r;
  try {
    r = risky(x);
  } catch (const std::domain_error &) {
    r = 3 * x;
  }
  return r * x;
}
int main() { return __enzyme_autodiff((void *)guarded, 0.5) > 100; }
