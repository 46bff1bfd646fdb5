/* An OpenMP stencil: a nonlinear 1-D heat equation (explicit steps, Dirichlet ends held),
   then a weighted energy summed with `reduction(+:e)`. Two parallel versions:
   - heat_for: one `#pragma omp parallel for` region per loop, forked from the time loop
     (one team per sweep, each region's values kept on its own threads' tapes);
   - heat_region: one `#pragma omp parallel` region holding the whole time loop, its
     `omp for` loops separated by barriers, an `omp single`, and the reduction.
   The arrays a and b are overwritten at every step, and the diffusion coefficient c is
   a shared scalar every thread reads. The gradient with respect to the initial state u0
   and to c (reverse mode) and a directional derivative (forward mode) are checked
   against the serial program's, differentiated in the same program, and against
   central finite differences. */
#include "omp_check.h"

extern int enzyme_dup, enzyme_const;
extern double __enzyme_autodiff(void *, ...);
extern double __enzyme_fwddiff(void *, ...);

#define N 41
#define STEPS 6

static double step(const double *a, int i, double c) {
  return a[i] + c * (a[i - 1] - 2 * a[i] + a[i + 1]) - 0.1 * a[i] * a[i] * a[i];
}

double heat_serial(const double *u0, double *a, double *b, int n, int steps, double c) {
  for (int i = 0; i < n; i++) a[i] = u0[i];
  for (int t = 0; t < steps; t++) {
    for (int i = 1; i < n - 1; i++) b[i] = step(a, i, c);
    b[0] = a[0];
    b[n - 1] = a[n - 1];
    for (int i = 0; i < n; i++) a[i] = b[i];
  }
  double e = 0;
  for (int i = 0; i < n; i++) e += a[i] * a[i] * (1.0 + 0.01 * i);
  return e;
}

double heat_for(const double *u0, double *a, double *b, int n, int steps, double c) {
#pragma omp parallel for
  for (int i = 0; i < n; i++) a[i] = u0[i];
  for (int t = 0; t < steps; t++) {
#pragma omp parallel for
    for (int i = 1; i < n - 1; i++) b[i] = step(a, i, c);
    b[0] = a[0];
    b[n - 1] = a[n - 1];
#pragma omp parallel for
    for (int i = 0; i < n; i++) a[i] = b[i];
  }
  double e = 0;
#pragma omp parallel for reduction(+ : e)
  for (int i = 0; i < n; i++) e += a[i] * a[i] * (1.0 + 0.01 * i);
  return e;
}

double heat_region(const double *u0, double *a, double *b, int n, int steps, double c) {
  double e = 0;
#pragma omp parallel
  {
#pragma omp for
    for (int i = 0; i < n; i++) a[i] = u0[i];
    for (int t = 0; t < steps; t++) {
#pragma omp for
      for (int i = 1; i < n - 1; i++) b[i] = step(a, i, c);
#pragma omp single
      {
        b[0] = a[0];
        b[n - 1] = a[n - 1];
      }
#pragma omp for
      for (int i = 0; i < n; i++) a[i] = b[i];
    }
#pragma omp for reduction(+ : e)
    for (int i = 0; i < n; i++) e += a[i] * a[i] * (1.0 + 0.01 * i);
  }
  return e;
}

/* __enzyme_autodiff needs the function itself, not a pointer variable */
#define GRAD(f, du, da, db)                                                              \
  __enzyme_autodiff((void *)f, enzyme_dup, u0, du, enzyme_dup, a, da, enzyme_dup, b, db, \
                    enzyme_const, N, enzyme_const, STEPS, c)
#define TANGENT(f, ta, tb)                                                              \
  __enzyme_fwddiff((void *)f, enzyme_dup, u0, v, enzyme_dup, a, ta, enzyme_dup, b, tb, \
                   enzyme_const, N, enzyme_const, STEPS, c, vc)

static void run(int which, const double *u0, const double *v, double c, double vc,
                const double *su, double sc, double st) {
  const char *name = which ? "heat_region" : "heat_for";
  double (*f)(const double *, double *, double *, int, int, double) =
      which ? heat_region : heat_for;
  double a[N], b[N], du[N] = {0}, da[N] = {0}, db[N] = {0}, ta[N] = {0}, tb[N] = {0};
  char what[96];
  double dc = which ? GRAD(heat_region, du, da, db) : GRAD(heat_for, du, da, db);
  for (int i = 0; i < N; i++) {
    snprintf(what, sizeof what, "%s reverse du[%d] vs serial", name, i);
    check(what, du[i], su[i], 1e-12, &worst_serial);
  }
  snprintf(what, sizeof what, "%s reverse dc vs serial", name);
  check(what, dc, sc, 1e-12, &worst_serial);
  double t = which ? TANGENT(heat_region, ta, tb) : TANGENT(heat_for, ta, tb);
  snprintf(what, sizeof what, "%s forward vs serial", name);
  check(what, t, st, 1e-12, &worst_serial);
  snprintf(what, sizeof what, "%s primal vs serial", name);
  check(what, f(u0, a, b, N, STEPS, c), heat_serial(u0, a, b, N, STEPS, c), 1e-12,
        &worst_serial);

  double h = 1e-6, up[N], um[N];
  for (int i = 0; i < N; i++) {
    up[i] = u0[i] + h * v[i];
    um[i] = u0[i] - h * v[i];
  }
  double fd = (f(up, a, b, N, STEPS, c + h * vc) - f(um, a, b, N, STEPS, c - h * vc)) / (2 * h);
  double g = dc * vc;
  for (int i = 0; i < N; i++) g += du[i] * v[i];
  snprintf(what, sizeof what, "%s forward vs finite differences", name);
  check(what, t, fd, 1e-6, &worst_fd);
  snprintf(what, sizeof what, "%s reverse . v vs finite differences", name);
  check(what, g, fd, 1e-6, &worst_fd);
}

int main(void) {
  double u0[N], v[N], a[N], b[N], su[N] = {0}, sa[N] = {0}, sb[N] = {0}, ta[N] = {0},
         tb[N] = {0};
  double c = 0.2, vc = 0.7;
  for (int k = 0; k < N; k++) {
    u0[k] = sin(0.3 * k) + 0.1 * cos(1.7 * k);
    v[k] = 0.1 * (k % 5) - 0.2;
  }
  double sc = __enzyme_autodiff((void *)heat_serial, enzyme_dup, u0, su, enzyme_dup, a, sa,
                                enzyme_dup, b, sb, enzyme_const, N, enzyme_const, STEPS, c);
  double st = __enzyme_fwddiff((void *)heat_serial, enzyme_dup, u0, v, enzyme_dup, a, ta,
                               enzyme_dup, b, tb, enzyme_const, N, enzyme_const, STEPS, c, vc);
  run(0, u0, v, c, vc, su, sc, st);
  run(1, u0, v, c, vc, su, sc, st);
  return verdict("stencil");
}
