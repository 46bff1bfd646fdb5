/* Shared by the custom-derivative test programs (the .c files of tests/ad_custom).

   Each program registers derivatives the way Enzyme's C users do
   (__enzyme_register_gradient_NAME, __enzyme_register_derivative_NAME,
   __enzyme_inactivefn, __enzyme_function_like, __enzyme_allocation_like,
   __enzyme_inactive_global, annotate("enzyme_...")) and proves that the registration is
   honoured: the registered rules return a DELIBERATELY WRONG derivative (the true one
   scaled by RULE_MUL(k) or shifted by RULE_ADD(c)), so the gradient the program gets
   must equal the value implied by the rule, which differs measurably from the true
   derivative of the program's own code.

   - check(): a value against the expected one (relative error, or absolute below 1).
   - check_count(): an integer (how many times a rule ran, live tapes, ...).
   - check_grad(): a gradient the engine computes itself (no rule involved): against the
     hand-derived value and against central finite differences of the function.
   - check_grad_rule(): a gradient implied by a registered rule: against the hand-derived
     value, and it must DIFFER from the finite differences of the program's own function
     (else the rule was ignored and the body differentiated). `model` is the function
     whose true derivative the rule describes once its deliberate error is removed (the
     function itself for a custom gradient; the function with log1p in place of a
     series for __enzyme_function_like; the function with a stopped value frozen for an
     inactive function).

   -DVERIFY_ONLY builds a program without any derivative, with any clang: the __enzyme_*
   entry points become stubs defined here, RULE_MUL(k) is 1 and RULE_ADD(c) is 0 (the
   rules become the true derivatives), check() and check_count() are silent, and
   check_grad()/check_grad_rule() compare the hand-derived values with central finite
   differences of the function (of `model` for a rule). This validates every expected
   formula on its own: the values the AD build expects are the same formulas with the
   deliberate error put back in. */
#ifndef AD_CUSTOM_H
#define AD_CUSTOM_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNUSED __attribute__((unused))

typedef struct { double dx, dy; } grad2;
typedef struct { double dx, dy, dz; } grad3;

#ifdef VERIFY_ONLY
#define RULE_MUL(k) 1.0
#define RULE_ADD(c) 0.0
#else
/* the deliberate error of a registered rule: the true derivative times k, or plus c */
#define RULE_MUL(k) (k)
#define RULE_ADD(c) (c)
#endif

#ifndef VERIFY_ONLY
extern int enzyme_dup, enzyme_dupnoneed, enzyme_const, enzyme_out;
/* Enzyme recognises every callee whose name contains the entry point's name, so each
   result type gets its own name */
extern double __enzyme_autodiff(void *, ...);  /* one active double argument */
extern float __enzyme_autodiff_f(void *, ...); /* one active float argument */
extern void __enzyme_autodiff_v(void *, ...);  /* no active scalar argument */
extern grad2 __enzyme_autodiff2(void *, ...);  /* two active doubles */
extern grad3 __enzyme_autodiff3(void *, ...);  /* three active doubles (sret on x86-64) */
extern double __enzyme_fwddiff(void *, ...);   /* the tangent of a double result */
extern void *__enzyme_augmentfwd(void *, ...); /* returns the tape (no enzyme_allocated) */
extern void __enzyme_reverse(void *, ...);
#else
/* stubs: a verification build has no derivative at all */
int enzyme_dup, enzyme_dupnoneed, enzyme_const, enzyme_out;
double __enzyme_autodiff(void *f, ...) { (void)f; return 0; }
float __enzyme_autodiff_f(void *f, ...) { (void)f; return 0; }
void __enzyme_autodiff_v(void *f, ...) { (void)f; }
grad2 __enzyme_autodiff2(void *f, ...) { (void)f; grad2 r = {0, 0}; return r; }
grad3 __enzyme_autodiff3(void *f, ...) { (void)f; grad3 r = {0, 0, 0}; return r; }
double __enzyme_fwddiff(void *f, ...) { (void)f; return 0; }
void *__enzyme_augmentfwd(void *f, ...) { (void)f; return NULL; }
void __enzyme_reverse(void *f, ...) { (void)f; }
#endif

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
  (void)what, (void)got, (void)want, (void)tol;
#else
  if (!(rel_err(got, want) <= tol)) {
    printf("FAIL %s: got %.17g want %.17g\n", what, got, want);
    failures++;
  }
#endif
}

static UNUSED void check_count(const char *what, long got, long want) {
#ifdef VERIFY_ONLY
  (void)what, (void)got, (void)want;
#else
  if (got != want) {
    printf("FAIL %s: got %ld want %ld\n", what, got, want);
    failures++;
  }
#endif
}

/* A scalar function of a point p (scalars and array entries laid out by the program). */
typedef double (*scalar_fn)(const double *p);

/* Central difference of f at p along coordinate i, step h = rel * max(1, |p_i|). */
static UNUSED double fd_partial(scalar_fn f, const double *p0, int n, int i, double rel) {
  double p[64];
  memcpy(p, p0, (size_t)n * sizeof(double));
  double xi = p[i];
  double h = rel * (fabs(xi) > 1 ? fabs(xi) : 1);
  volatile double up = xi + h, down = xi - h; /* the steps actually taken */
  p[i] = up;
  double fu = f(p);
  p[i] = down;
  double fd = f(p);
  return (fu - fd) / (up - down);
}

/* got[0..n) against want[0..n) (within tol) and, when `fd_agrees`, against the finite
   differences of fn (within fd_tol); when !fd_agrees, at least one entry of got must
   differ from the finite differences of fn by more than 1e-4 (relative). In a
   verification build: want against the finite differences of model (within fd_tol). */
static UNUSED void check_grad_impl(const char *what, scalar_fn fn, scalar_fn model,
                                   const double *p, int n, const double *got,
                                   const double *want, double tol, double rel,
                                   double fd_tol, int fd_agrees) {
#ifdef VERIFY_ONLY
  (void)fn, (void)got, (void)tol, (void)fd_agrees;
  for (int i = 0; i < n; i++) {
    double fd = fd_partial(model, p, n, i, rel);
    double e = rel_err(want[i], fd);
    verify_checks++;
    if (e > verify_worst)
      verify_worst = e;
    if (!(e <= fd_tol)) {
      printf("FAIL %s[%d]: hand-derived %.17g finite differences %.17g\n", what, i, want[i],
             fd);
      failures++;
    }
  }
#else
  (void)model;
  double worst_vs_body = 0;
  for (int i = 0; i < n; i++) {
    double fd = fd_partial(fn, p, n, i, rel);
    if (!(rel_err(got[i], want[i]) <= tol)) {
      printf("FAIL %s[%d]: got %.17g want %.17g (true derivative of the code: %.17g)\n", what,
             i, got[i], want[i], fd);
      failures++;
    }
    double e = rel_err(got[i], fd);
    if (e > worst_vs_body || e != e)
      worst_vs_body = e != e ? INFINITY : e;
    if (fd_agrees && !(e <= fd_tol)) {
      printf("FAIL %s[%d]: got %.17g finite differences %.17g\n", what, i, got[i], fd);
      failures++;
    }
  }
  if (!fd_agrees && !(worst_vs_body > 1e-4)) {
    printf("FAIL %s: the gradient is the true derivative of the code (the registered rule "
           "was not used)\n", what);
    failures++;
  }
#endif
}

/* a gradient with no rule involved */
static UNUSED void check_grad(const char *what, scalar_fn fn, const double *p, int n,
                              const double *got, const double *want) {
  check_grad_impl(what, fn, fn, p, n, got, want, 1e-10, 1e-6, 1e-6, 1);
}

/* a gradient implied by a registered rule */
static UNUSED void check_grad_rule(const char *what, scalar_fn fn, scalar_fn model,
                                   const double *p, int n, const double *got,
                                   const double *want) {
  check_grad_impl(what, fn, model, p, n, got, want, 1e-10, 1e-6, 1e-6, 0);
}

/* single precision: the hand-derived value within 1e-5, finite differences of the float
   function with a larger step, within 2e-3 */
static UNUSED void check_grad_rule_f(const char *what, scalar_fn fn, scalar_fn model,
                                     const double *p, int n, const double *got,
                                     const double *want) {
  check_grad_impl(what, fn, model, p, n, got, want, 1e-5, 1e-3, 2e-3, 0);
}

static UNUSED double vsum(const double *a, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += a[i];
  return s;
}
#endif
