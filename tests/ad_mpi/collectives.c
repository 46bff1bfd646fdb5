/* MPI_Bcast of parameters from rank 0, MPI_Reduce (sum) of the local terms to rank 0, and
   an MPI_Barrier: the gradient with respect to the parameters (rank 0's copy: the others
   are overwritten by the broadcast) and to each rank's data, checked against the serial
   program's and against central finite differences. */
#include "mpi_check.h"

extern int enzyme_dup, enzyme_const;
extern void __enzyme_autodiff(void *, ...);
extern double __enzyme_fwddiff(void *, ...);

#define N 8

double coll(double *p, double *x, int n) {
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Bcast(p, 2, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  double local = 0.0, total = 0.0;
  for (int i = 0; i < n; i++) local += p[0] * x[i] * x[i] + sin(p[1] * x[i]);
  MPI_Reduce(&local, &total, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
  MPI_Barrier(MPI_COMM_WORLD);
  return rank == 0 ? total * total : 0.0;
}

double serial(double *p, double *x) {
  double s = 0.0;
  for (int i = 0; i < N; i++) s += p[0] * x[i] * x[i] + sin(p[1] * x[i]);
  return s * s;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int n = N / size, lo = rank * n;
  double P[2] = {0.7, 1.3}, X[N], dP[2] = {0}, dX[N] = {0}, VP[2] = {0.3, -0.2}, VX[N];
  for (int k = 0; k < N; k++) {
    X[k] = 0.2 * k - 0.5;
    VX[k] = 0.1 * (k % 3) - 0.1;
  }
  __enzyme_autodiff((void *)serial, enzyme_dup, P, dP, enzyme_dup, X, dX);
  double tp[2] = {VP[0], VP[1]}, tx[N];
  for (int k = 0; k < N; k++) tx[k] = VX[k];
  double serial_t = __enzyme_fwddiff((void *)serial, enzyme_dup, P, tp, enzyme_dup, X, tx);

  /* ranks other than 0 start with garbage parameters: the broadcast overwrites them */
  double p[2] = {rank ? -9.0 : P[0], rank ? -9.0 : P[1]}, dp[2] = {0}, dx[N] = {0};
  __enzyme_autodiff((void *)coll, enzyme_dup, p, dp, enzyme_dup, X + lo, dx, enzyme_const, n);
  for (int j = 0; j < 2; j++)
    check("reverse dp vs serial", dp[j], rank == 0 ? dP[j] : 0.0, 1e-12, &worst_serial);
  for (int i = 0; i < n; i++) check("reverse dx vs serial", dx[i], dX[lo + i], 1e-12, &worst_serial);

  double q[2] = {rank ? -9.0 : P[0], rank ? -9.0 : P[1]}, dq[2] = {VP[0], VP[1]};
  for (int i = 0; i < n; i++) tx[i] = VX[lo + i];
  double t = __enzyme_fwddiff((void *)coll, enzyme_dup, q, dq, enzyme_dup, X + lo, tx,
                              enzyme_const, n);
  if (rank == 0) check("forward vs serial", t, serial_t, 1e-12, &worst_serial);

  double h = 1e-6, pp[2], pm[2], xp[N], xm[N];
  for (int j = 0; j < 2; j++) {
    pp[j] = rank ? -9.0 : P[j] + h * VP[j];
    pm[j] = rank ? -9.0 : P[j] - h * VP[j];
  }
  for (int i = 0; i < n; i++) {
    xp[i] = X[lo + i] + h * VX[lo + i];
    xm[i] = X[lo + i] - h * VX[lo + i];
  }
  double fd = (coll(pp, xp, n) - coll(pm, xm, n)) / (2 * h);
  double local = rank == 0 ? dp[0] * VP[0] + dp[1] * VP[1] : 0.0, g;
  for (int i = 0; i < n; i++) local += dx[i] * VX[lo + i];
  MPI_Allreduce(&local, &g, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) {
    check("forward vs finite differences", t, fd, 1e-6, &worst_fd);
    check("reverse . v vs finite differences", g, fd, 1e-6, &worst_fd);
  }
  return verdict("collectives");
}
