/* Shared by the OpenMP test programs: relative comparison, a failure count, the verdict. */
#ifndef OMP_CHECK_H
#define OMP_CHECK_H
#include <math.h>
#include <omp.h>
#include <stdio.h>

static int failures;
static double worst_serial, worst_fd;

static double rel(double a, double b) {
  double scale = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
  return scale < 1e-300 ? 0.0 : fabs(a - b) / scale;
}

/* `what` agrees with `want` to `tol` relative; `worst` keeps the largest difference */
static void check(const char *what, double got, double want, double tol, double *worst) {
  double r = rel(got, want);
  if (r > *worst) *worst = r;
  if (!(r <= tol)) {
    printf("FAIL %s: %.17g, expected %.17g (relative %.3g)\n", what, got, want, r);
    failures++;
  }
}

/* the verdict: the team size used, failures, largest differences; exit status 1 on failure */
static int verdict(const char *name) {
  int threads = 0;
#pragma omp parallel
  {
#pragma omp single
    threads = omp_get_num_threads();
  }
  printf("%s threads=%d failures=%d max_rel_vs_serial=%.3g max_rel_vs_fd=%.3g\n", name,
         threads, failures, worst_serial, worst_fd);
  return failures != 0;
}
#endif
