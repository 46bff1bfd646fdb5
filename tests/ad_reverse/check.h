/* Shared by the reverse-mode test programs (the .c files of tests/ad_reverse).

   - Enzyme's C ABI as its documentation spells it: the activity markers, and
     prototypes of __enzyme_autodiff for each result a program asks for (Enzyme
     recognises every callee whose name contains "__enzyme_autodiff", so each result
     type gets its own name), __enzyme_fwddiff for the forward-mode cross-checks, and
     the split-mode entry points (__enzyme_augmentsize, __enzyme_augmentfwd,
     __enzyme_reverse). A program written exactly like Enzyme's documentation defines
     CHECK_OWN_PROTOTYPES first and declares what it uses itself.
   - check(): a value against a hand-derived one (relative error, or absolute below 1).
   - check_grad(): a gradient against the hand-derived one and against central finite
     differences of a scalar function of a double array (fd_partial), the step being
     h = 1e-6 * max(1, |p_i|).
   - check_fwd(): a forward-mode tangent (__enzyme_fwddiff) against the reverse-mode
     value and the hand-derived one.

   -DVERIFY_ONLY builds a program without any derivative (the __enzyme_* calls are
   linked to stubs): check() and check_fwd() are then silent and check_grad() compares
   the hand-derived values with finite differences, so the expected values can be
   validated on their own. With -DVERIFY_FWD as well, the forward-mode calls are real and
   check_fwd() compares their tangents with the hand-derived values. */
#ifndef AD_REVERSE_CHECK_H
#define AD_REVERSE_CHECK_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* several active scalars: their derivatives come back as a struct of doubles (two in
   registers, three or four through a hidden sret pointer on x86-64) */
typedef struct { double dx, dy; } grad2;
typedef struct { double dx, dy, dz; } grad3;
typedef struct { double dx, dy, dz, dw; } grad4;

extern int enzyme_dup, enzyme_dupnoneed, enzyme_const, enzyme_out;
extern int enzyme_allocated, enzyme_tape, enzyme_nofree;

#ifndef CHECK_OWN_PROTOTYPES
extern double __enzyme_autodiff(void *, ...);   /* one active scalar argument */
extern void __enzyme_autodiff_v(void *, ...);   /* no active scalar argument */
extern grad2 __enzyme_autodiff2(void *, ...);
extern grad3 __enzyme_autodiff3(void *, ...);
extern grad4 __enzyme_autodiff4(void *, ...);
extern double __enzyme_fwddiff(void *, ...);    /* the tangent of a double result */
extern void __enzyme_fwddiff_v(void *, ...);    /* tangents written to shadows only */
extern int __enzyme_augmentsize(void *, ...);
extern void __enzyme_augmentfwd(void *, ...);
extern double __enzyme_augmentfwd_d(void *, ...); /* returns the primal double result */
extern void *__enzyme_augmentfwd_p(void *, ...);  /* returns the tape (no enzyme_allocated) */
extern void __enzyme_reverse(void *, ...);
extern double __enzyme_reverse_d(void *, ...);    /* one active scalar argument */
extern grad2 __enzyme_reverse2(void *, ...);
#endif

#define UNUSED __attribute__((unused))

static int failures;

#ifdef VERIFY_ONLY
static int verify_checks;
static double verify_worst;
__attribute__((destructor)) static void verify_report(void) {
  printf("VERIFY %d checks, worst finite-difference disagreement %.3g\n", verify_checks,
         verify_worst);
}
#endif

static double rel_err(double got, double want) {
  return fabs(got - want) / (fabs(want) > 1 ? fabs(want) : 1);
}

static UNUSED void check(const char *what, double got, double want, double tol) {
#ifdef VERIFY_ONLY
  (void)what, (void)got, (void)want, (void)tol; /* no derivative in a verification build */
#else
  if (!(rel_err(got, want) <= tol)) {
    printf("FAIL %s: got %.17g want %.17g\n", what, got, want);
    failures++;
  }
#endif
}

/* A forward-mode tangent: equal to the reverse-mode value (the same directional
   derivative) and to the hand-derived one. */
static UNUSED void check_fwd(const char *what, double tangent, double reverse, double want,
                             double tol) {
#if defined(VERIFY_ONLY) && defined(VERIFY_FWD)
  (void)reverse;
  verify_checks++;
  if (!(rel_err(tangent, want) <= tol)) {
    printf("FAIL %s (forward): got %.17g want %.17g\n", what, tangent, want);
    failures++;
  }
#elif defined(VERIFY_ONLY)
  (void)what, (void)tangent, (void)reverse, (void)want, (void)tol;
#else
  if (!(rel_err(tangent, reverse) <= tol) || !(rel_err(tangent, want) <= tol)) {
    printf("FAIL %s: forward %.17g reverse %.17g want %.17g\n", what, tangent, reverse, want);
    failures++;
  }
#endif
}

/* A scalar function of a point p (scalars and array entries laid out by the program). */
typedef double (*scalar_fn)(const double *p);

/* Central difference of f at p along coordinate i, step h = rel * max(1, |p_i|);
   p is left as it was. */
static UNUSED double fd_partial_step(scalar_fn f, double *p, int i, double rel) {
  double xi = p[i];
  double h = rel * (fabs(xi) > 1 ? fabs(xi) : 1);
  volatile double up = xi + h, down = xi - h; /* the steps actually taken */
  p[i] = up;
  double fu = f(p);
  p[i] = down;
  double fd = f(p);
  p[i] = xi;
  return (fu - fd) / (up - down);
}

static UNUSED double fd_partial(scalar_fn f, double *p, int i) {
  return fd_partial_step(f, p, i, 1e-6);
}

/* got[0..n) (reverse mode) against want[0..n) (hand-derived, within tol) and against
   central finite differences of f at p (step rel * max(1, |p_i|), within fd_tol). */
static UNUSED void check_grad_tol(const char *what, scalar_fn f, double *p, int n,
                                  const double *got, const double *want, double tol,
                                  double rel, double fd_tol) {
  for (int i = 0; i < n; i++) {
    double fd = fd_partial_step(f, p, i, rel);
#ifdef VERIFY_ONLY
    (void)got, (void)tol;
    double e = rel_err(want[i], fd);
    verify_checks++;
    if (e > verify_worst)
      verify_worst = e;
    if (!(e <= fd_tol)) {
      printf("FAIL %s[%d]: hand-derived %.17g finite differences %.17g\n", what, i,
             want[i], fd);
      failures++;
    }
#else
    if (!(rel_err(got[i], want[i]) <= tol)) {
      printf("FAIL %s[%d]: got %.17g want %.17g\n", what, i, got[i], want[i]);
      failures++;
    }
    if (!(rel_err(got[i], fd) <= fd_tol)) {
      printf("FAIL %s[%d]: got %.17g finite differences %.17g\n", what, i, got[i], fd);
      failures++;
    }
#endif
  }
}

static UNUSED void check_grad(const char *what, scalar_fn f, double *p, int n,
                              const double *got, const double *want) {
  check_grad_tol(what, f, p, n, got, want, 1e-10, 1e-6, 1e-6);
}

/* single precision: the hand-derived value within 1e-5, finite differences of the float
   function with a larger step, within 2e-3 */
static UNUSED void check_gradf(const char *what, scalar_fn f, double *p, int n,
                               const double *got, const double *want) {
  check_grad_tol(what, f, p, n, got, want, 1e-5, 1e-3, 2e-3);
}

static UNUSED void clear(double *a, int n) {
  for (int i = 0; i < n; i++) a[i] = 0;
}

static UNUSED double vdot(const double *a, const double *b, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}
#endif
