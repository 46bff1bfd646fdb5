/* A parallel dot product: f = (sum_k x_k y_k)^2 over vectors split across the ranks
   (MPI_Allreduce of the local sums; the loss is returned by rank 0). Each rank checks its slice of the gradient (reverse
   mode) and the directional derivative (forward mode) against the serial program's,
   differentiated in the same program, and against central finite differences. */
#include "mpi_check.h"
#include <stdlib.h>

extern int enzyme_dup, enzyme_const;
extern void __enzyme_autodiff(void *, ...);
extern double __enzyme_fwddiff(void *, ...);

#define N 12

double pdot(const double *x, const double *y, int n) {
  double local = 0, global = 0;
  for (int i = 0; i < n; i++) local += x[i] * y[i];
  MPI_Allreduce(&local, &global, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  return global * global;
}

/* the loss, held by rank 0: every rank holds a copy of pdot's result, and reverse mode
   seeds each copy it returns, so the scalar objective must be returned by one rank */
double ploss(const double *x, const double *y, int n) {
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  double f = pdot(x, y, n);
  return rank == 0 ? f : 0.0;
}

double sdot(const double *x, const double *y, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i] * y[i];
  return s * s;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int n = N / size, lo = rank * n;
  double X[N], Y[N], V[N], dX[N] = {0}, dY[N] = {0};
  for (int k = 0; k < N; k++) {
    X[k] = sin(k + 1.0);
    Y[k] = cos(0.5 * k) + 0.25;
    V[k] = 0.1 * (k % 5) - 0.2;
  }
  __enzyme_autodiff((void *)sdot, enzyme_dup, X, dX, enzyme_dup, Y, dY, enzyme_const, N);
  double serial_t = __enzyme_fwddiff((void *)sdot, enzyme_dup, X, V, enzyme_dup, Y, V,
                                     enzyme_const, N);

  double *x = X + lo, *y = Y + lo, *v = V + lo;
  double dx[N] = {0}, dy[N] = {0};
  __enzyme_autodiff((void *)ploss, enzyme_dup, x, dx, enzyme_dup, y, dy, enzyme_const, n);
  for (int i = 0; i < n; i++) {
    check("reverse dx vs serial", dx[i], dX[lo + i], 1e-12, &worst_serial);
    check("reverse dy vs serial", dy[i], dY[lo + i], 1e-12, &worst_serial);
  }
  double t = __enzyme_fwddiff((void *)pdot, enzyme_dup, x, v, enzyme_dup, y, v, enzyme_const, n);
  check("forward vs serial", t, serial_t, 1e-12, &worst_serial);

  /* central differences along (v, v) on every rank at once */
  double h = 1e-6, xp[N], yp[N], xm[N], ym[N];
  for (int i = 0; i < n; i++) {
    xp[i] = x[i] + h * v[i]; yp[i] = y[i] + h * v[i];
    xm[i] = x[i] - h * v[i]; ym[i] = y[i] - h * v[i];
  }
  double fd = (pdot(xp, yp, n) - pdot(xm, ym, n)) / (2 * h);
  double local = 0, g;
  for (int i = 0; i < n; i++) local += dx[i] * v[i] + dy[i] * v[i];
  MPI_Allreduce(&local, &g, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  check("forward vs finite differences", t, fd, 1e-6, &worst_fd);
  check("reverse . v vs finite differences", g, fd, 1e-6, &worst_fd);
  return verdict("dot");
}
