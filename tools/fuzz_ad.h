/* Shared by the programs of the AD fuzzer (tools/fuzz_ad.py) and the reproducers it saves
   in tests/fuzz_ad_regressions/: Enzyme's C ABI, the central differences and the report
   line "R name f(x) rev[5] fwd[5] fd(1e-5)[5] fd(FUZZ_STEP_B)[5]" the fuzzer parses. */
#ifndef FUZZ_AD_H
#define FUZZ_AD_H
#define FUZZ_STEP_B 1e-6 /* STEP_B of tools/fuzz_ad.py */
#define FUZZ_KINK 1e-3   /* one-sided slopes differing more: a kink at the point */
#define FUZZ_SMOOTH 1e-4 /* SMOOTH_TOL of tools/fuzz_ad.py */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
extern int enzyme_dup, enzyme_const;
extern double __enzyme_autodiff(void *, ...);
extern double __enzyme_fwddiff(void *, ...);
static double square(double v) { return v * v; }
typedef double (*fuzz_fn)(const double *, double, int);

/* central difference of f along input j (x[0..3], then y) with step h * max(1, |p_j|);
   NaN (not smooth: no verdict) where the one-sided differences disagree, a kink at the
   point such as |u| at u = 0, whose symmetric differences are smooth-looking zeros */
static double fuzz_fd(fuzz_fn f, const double *x0, double y0, int n, int j, double h) {
  double xp[4], xm[4], yp = y0, ym = y0;
  for (int k = 0; k < 4; k++) xp[k] = xm[k] = x0[k];
  double p = j < 4 ? x0[j] : y0, step = h * (fabs(p) > 1 ? fabs(p) : 1);
  if (j < 4) { xp[j] += step; xm[j] -= step; } else { yp += step; ym -= step; }
  double fp = f(xp, yp, n), fm = f(xm, ym, n), f0 = f(x0, y0, n);
  double right = (fp - f0) / step, left = (f0 - fm) / step;
  double scale = fmax(1.0, fmax(fabs(right), fabs(left)));
  if (fabs(right - left) > FUZZ_KINK * scale + 1e-8 * fmax(1.0, fabs(f0)) / step) return NAN;
  /* the same at a 100 times smaller step: jumps of floor/ceil/branches finer than the
     step make differences at nearby steps agree by chance, not at both scales */
  double fine = step / 100, fpp = f0, fmm = f0;
  if (j < 4) { xp[j] = x0[j] + fine; xm[j] = x0[j] - fine; } else { yp = y0 + fine; ym = y0 - fine; }
  fpp = f(xp, yp, n), fmm = f(xm, ym, n);
  double central = (fp - fm) / (2 * step), central_fine = (fpp - fmm) / (2 * fine);
  if (fabs(central - central_fine) > FUZZ_SMOOTH * scale + 1e-14 * fmax(1.0, fabs(f0)) / fine)
    return NAN;
  return central;
}

static void fuzz_report(const char *name, fuzz_fn f, const double *x, double y, int n,
                        const double *rev, const double *fwd) {
  printf("R %s %.17g", name, f(x, y, n));
  for (int j = 0; j < 5; j++) printf(" %.17g", rev[j]);
  for (int j = 0; j < 5; j++) printf(" %.17g", fwd[j]);
  for (int j = 0; j < 5; j++) printf(" %.17g", fuzz_fd(f, x, y, n, j, 1e-5));
  for (int j = 0; j < 5; j++) printf(" %.17g", fuzz_fd(f, x, y, n, j, FUZZ_STEP_B));
  printf("\n");
  fflush(stdout);
}
/* check_NAME(): the gradient of NAME at (x, y) in reverse mode, its five partial derivatives
   in forward mode, and the report line */
#define FUZZ_CHECK(NAME, X0, X1, X2, X3, Y, N)                                              \
  static void check_##NAME(void) {                                                          \
    double x[4] = {X0, X1, X2, X3}, y = Y, dx[4] = {0, 0, 0, 0}, rev[5], fwd[5];            \
    int n = N;                                                                              \
    rev[4] = __enzyme_autodiff((void *)NAME, enzyme_dup, x, dx, y, enzyme_const, n);        \
    for (int j = 0; j < 4; j++) rev[j] = dx[j];                                             \
    for (int j = 0; j < 5; j++) {                                                           \
      double xd[4] = {0, 0, 0, 0}, yd = j == 4;                                             \
      if (j < 4) xd[j] = 1;                                                                 \
      fwd[j] = __enzyme_fwddiff((void *)NAME, enzyme_dup, x, xd, y, yd, enzyme_const, n);   \
    }                                                                                       \
    fuzz_report(#NAME, NAME, x, y, n, rev, fwd);                                            \
  }
#endif
