/* Shared by the MPI test programs: relative comparison, a failure count, the verdict. */
#ifndef MPI_CHECK_H
#define MPI_CHECK_H
#include <math.h>
#include <mpi.h>
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
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    printf("rank %d: FAIL %s: %.17g, expected %.17g (relative %.3g)\n", rank, what, got, want, r);
    failures++;
  }
}

/* every rank's verdict; exit status 1 when any rank failed */
static int verdict(const char *name) {
  int rank, size, all;
  double ws, wf;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Allreduce(&failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  MPI_Allreduce(&worst_serial, &ws, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  MPI_Allreduce(&worst_fd, &wf, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  if (rank == 0)
    printf("%s ranks=%d failures=%d max_rel_vs_serial=%.3g max_rel_vs_fd=%.3g\n", name, size,
           all, ws, wf);
  MPI_Finalize();
  return all != 0;
}
#endif
