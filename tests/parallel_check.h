/* Shared by the MPI (tests/ad_mpi) and OpenMP (tests/ad_omp) test programs: relative
   comparison and the failure count. The including header defines CHECK_WHERE() first,
   printing where a failure happened (the rank, or nothing). */
#ifndef PARALLEL_CHECK_H
#define PARALLEL_CHECK_H
#include <math.h>
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
    CHECK_WHERE();
    printf("FAIL %s: %.17g, expected %.17g (relative %.3g)\n", what, got, want, r);
    failures++;
  }
}
#endif
