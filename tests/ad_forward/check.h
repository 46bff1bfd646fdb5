/* Shared by the forward-mode test programs: compare with a hand-derived value. */
#include <math.h>
#include <stdio.h>

extern double __enzyme_fwddiff(void *, ...);
extern int enzyme_dup, enzyme_const, enzyme_dupnoneed;

static int failures;

static void check(const char *what, double got, double want, double tol) {
  double err = fabs(got - want) / (fabs(want) > 1 ? fabs(want) : 1);
  if (!(err <= tol)) {
    printf("FAIL %s: got %.17g want %.17g\n", what, got, want);
    failures++;
  }
}
