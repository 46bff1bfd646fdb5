/* MPI_Scatter of parameters from rank 0, MPI_Allgather of a per-block transform, a
   nonlinear local loss on each rank's block and MPI_Gather of the partial results to rank
   0, which computes the total loss. The gradient with respect to the parameters (rank 0's:
   the others pass NULL, the send buffer of a Scatter being significant at the root only),
   in reverse mode and in forward mode (one tangent per parameter and a random direction),
   checked against the serial program's and against central finite differences. */
#include <stdlib.h>
#include "mpi_check.h"

extern int enzyme_dup, enzyme_const;
extern void __enzyme_autodiff(void *, ...);
extern double __enzyme_fwddiff(void *, ...);

#define N 8

double gather_scatter(double *P, int n) {
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  double p[N], y[N], yall[N], part[2], parts[2 * N];
  MPI_Scatter(P, n, MPI_DOUBLE, p, n, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  for (int j = 0; j < n; j++) y[j] = p[j] * p[j] + 0.5 * sin(p[j]);
  MPI_Allgather(y, n, MPI_DOUBLE, yall, n, MPI_DOUBLE, MPI_COMM_WORLD);
  part[0] = part[1] = 0.0;
  for (int j = 0; j < n; j++) part[0] += sin(p[j]) * p[j] + exp(0.3 * p[j]);
  for (int k = 0; k < N; k++) part[1] += yall[k] * yall[k] * cos(p[k % n]);
  MPI_Gather(part, 2, MPI_DOUBLE, parts, 2, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  if (rank != 0) return 0.0;
  double s = 0.0, total = 0.0;
  for (int r = 0; r < size; r++) s += parts[2 * r];
  for (int r = 0; r < size; r++) total += sin(parts[2 * r + 1]) * (r + 1);
  return s * s + total;
}

/* the same loss computed by one process for `size` blocks */
double serial(double *P, int size) {
  int n = N / size;
  double yall[N], s = 0.0, total = 0.0;
  for (int k = 0; k < N; k++) yall[k] = P[k] * P[k] + 0.5 * sin(P[k]);
  for (int r = 0; r < size; r++) {
    double *p = P + r * n, part0 = 0.0, part1 = 0.0;
    for (int j = 0; j < n; j++) part0 += sin(p[j]) * p[j] + exp(0.3 * p[j]);
    for (int k = 0; k < N; k++) part1 += yall[k] * yall[k] * cos(p[k % n]);
    s += part0;
    total += sin(part1) * (r + 1);
  }
  return s * s + total;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int n = N / size;
  double P[N], dS[N] = {0}, V[N];
  for (int k = 0; k < N; k++) {
    P[k] = 0.15 * k - 0.4;
    V[k] = 0.1 * (k % 3) - 0.12;
  }
  __enzyme_autodiff((void *)serial, enzyme_dup, P, dS, enzyme_const, size);
  double tv[N];
  for (int k = 0; k < N; k++) tv[k] = V[k];
  double serial_t = __enzyme_fwddiff((void *)serial, enzyme_dup, P, tv, enzyme_const, size);

  /* only the root holds the parameters (and their shadow) */
  double *p = rank == 0 ? P : NULL, dp[N] = {0}, *dpp = rank == 0 ? dp : NULL;
  __enzyme_autodiff((void *)gather_scatter, enzyme_dup, p, dpp, enzyme_const, n);
  if (rank == 0)
    for (int k = 0; k < N; k++) check("reverse vs serial", dp[k], dS[k], 1e-12, &worst_serial);

  for (int k = 0; k < N; k++) { /* forward mode, one parameter at a time */
    double e[N] = {0};
    e[k] = 1.0;
    double t = __enzyme_fwddiff((void *)gather_scatter, enzyme_dup, p, rank == 0 ? e : NULL,
                                enzyme_const, n);
    if (rank == 0) check("forward vs serial", t, dS[k], 1e-12, &worst_serial);
  }
  double t = __enzyme_fwddiff((void *)gather_scatter, enzyme_dup, p, rank == 0 ? V : NULL,
                              enzyme_const, n);
  if (rank == 0) check("forward . v vs serial", t, serial_t, 1e-12, &worst_serial);

  double h = 1e-6, pp[N], pm[N];
  for (int k = 0; k < N; k++) {
    pp[k] = P[k] + h * V[k];
    pm[k] = P[k] - h * V[k];
  }
  double fd = (gather_scatter(rank == 0 ? pp : NULL, n) -
               gather_scatter(rank == 0 ? pm : NULL, n)) / (2 * h);
  if (rank == 0) {
    double g = 0.0;
    for (int k = 0; k < N; k++) g += dp[k] * V[k];
    check("forward vs finite differences", t, fd, 1e-6, &worst_fd);
    check("reverse . v vs finite differences", g, fd, 1e-6, &worst_fd);
  }
  return verdict("gather_scatter");
}
