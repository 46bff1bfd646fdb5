/* A 1-D heat equation split across ranks: explicit steps on N points (zero Dirichlet
   boundaries), each rank holding N/size points and two ghost cells filled by a halo
   exchange, blocking (MPI_Send/MPI_Recv, ordered by rank parity) or nonblocking
   (MPI_Irecv/MPI_Isend + MPI_Waitall); the energy sum u^2 by MPI_Allreduce, the loss held
   by rank 0. Each rank checks its slice of the gradient (reverse mode) and the directional
   derivative (forward mode) against the serial program's, differentiated in the same
   program, and against central finite differences. */
#include "mpi_check.h"
#include <stdlib.h>
#include <string.h>

extern int enzyme_dup, enzyme_const;
extern void __enzyme_autodiff(void *, ...);
extern double __enzyme_fwddiff(void *, ...);

#define N 16
#define STEPS 5
#define K 0.2

static void halo_blocking(double *u, int n, int rank, int size) {
  int left = rank > 0 ? rank - 1 : MPI_PROC_NULL;
  int right = rank < size - 1 ? rank + 1 : MPI_PROC_NULL;
  if (rank % 2 == 0) {
    MPI_Send(&u[n], 1, MPI_DOUBLE, right, 1, MPI_COMM_WORLD);
    MPI_Recv(&u[n + 1], 1, MPI_DOUBLE, right, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Send(&u[1], 1, MPI_DOUBLE, left, 2, MPI_COMM_WORLD);
    MPI_Recv(&u[0], 1, MPI_DOUBLE, left, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  } else {
    MPI_Recv(&u[0], 1, MPI_DOUBLE, left, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Send(&u[1], 1, MPI_DOUBLE, left, 2, MPI_COMM_WORLD);
    MPI_Recv(&u[n + 1], 1, MPI_DOUBLE, right, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Send(&u[n], 1, MPI_DOUBLE, right, 1, MPI_COMM_WORLD);
  }
}

static void halo_nonblocking(double *u, int n, int rank, int size) {
  int left = rank > 0 ? rank - 1 : MPI_PROC_NULL;
  int right = rank < size - 1 ? rank + 1 : MPI_PROC_NULL;
  MPI_Request req[4];
  MPI_Irecv(&u[0], 1, MPI_DOUBLE, left, 1, MPI_COMM_WORLD, &req[0]);
  MPI_Irecv(&u[n + 1], 1, MPI_DOUBLE, right, 2, MPI_COMM_WORLD, &req[1]);
  MPI_Isend(&u[1], 1, MPI_DOUBLE, left, 2, MPI_COMM_WORLD, &req[2]);
  MPI_Isend(&u[n], 1, MPI_DOUBLE, right, 1, MPI_COMM_WORLD, &req[3]);
  MPI_Waitall(4, req, MPI_STATUSES_IGNORE);
}

/* u: n points in u[1..n] (u[0], u[n+1] ghosts); returns the global energy on rank 0 */
static double heat(double *u, int n, int blocking) {
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  double *v = malloc((n + 2) * sizeof(double));
  for (int s = 0; s < STEPS; s++) {
    u[0] = 0.0;
    u[n + 1] = 0.0;
    if (blocking)
      halo_blocking(u, n, rank, size);
    else
      halo_nonblocking(u, n, rank, size);
    for (int i = 1; i <= n; i++) v[i] = u[i] + K * (u[i - 1] - 2.0 * u[i] + u[i + 1]) + 0.01 * u[i] * u[i];
    for (int i = 1; i <= n; i++) u[i] = v[i];
  }
  free(v);
  double local = 0.0, global = 0.0;
  for (int i = 1; i <= n; i++) local += u[i] * u[i];
  MPI_Allreduce(&local, &global, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  return global;
}

double heat_loss(double *u, int n, int blocking) {
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  double e = heat(u, n, blocking);
  return rank == 0 ? e : 0.0;
}

double heat_energy(double *u, int n, int blocking) { return heat(u, n, blocking); }

/* the serial program: the same steps on all N points */
double serial(double *u) {
  double v[N + 2];
  for (int s = 0; s < STEPS; s++) {
    u[0] = 0.0;
    u[N + 1] = 0.0;
    for (int i = 1; i <= N; i++) v[i] = u[i] + K * (u[i - 1] - 2.0 * u[i] + u[i + 1]) + 0.01 * u[i] * u[i];
    for (int i = 1; i <= N; i++) u[i] = v[i];
  }
  double e = 0.0;
  for (int i = 1; i <= N; i++) e += u[i] * u[i];
  return e;
}

static void initial(double *U, double *V) {
  for (int k = 0; k < N + 2; k++) {
    U[k] = sin(0.4 * k) + 0.3 * cos(1.7 * k);
    V[k] = 0.05 * (k % 7) - 0.1;
  }
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int n = N / size, lo = rank * n; /* global point lo + i is local point i (1-based) */
  double U[N + 2], V[N + 2], W[N + 2], dU[N + 2] = {0};
  initial(U, V);
  memcpy(W, U, sizeof U);
  __enzyme_autodiff((void *)serial, enzyme_dup, W, dU);
  double T[N + 2]; /* the tangent is updated in place: a copy of V */
  memcpy(W, U, sizeof U);
  memcpy(T, V, sizeof V);
  double serial_t = __enzyme_fwddiff((void *)serial, enzyme_dup, W, T);

  for (int blocking = 0; blocking <= 1; blocking++) {
    const char *name = blocking ? "Send/Recv" : "Isend/Irecv/Waitall";
    char what[96];
    double u[N + 2], du[N + 2] = {0}, v[N + 2], t_v[N + 2];
    memcpy(u, U + lo, (n + 2) * sizeof(double));
    memcpy(v, V + lo, (n + 2) * sizeof(double));
    v[0] = v[n + 1] = 0.0; /* ghosts are overwritten, not inputs */
    __enzyme_autodiff((void *)heat_loss, enzyme_dup, u, du, enzyme_const, n, enzyme_const,
                      blocking);
    for (int i = 1; i <= n; i++) {
      snprintf(what, sizeof what, "%s reverse du[%d] vs serial", name, lo + i);
      check(what, du[i], dU[lo + i], 1e-12, &worst_serial);
    }
    memcpy(u, U + lo, (n + 2) * sizeof(double));
    memcpy(t_v, v, sizeof v);
    double t = __enzyme_fwddiff((void *)heat_energy, enzyme_dup, u, t_v, enzyme_const, n,
                                enzyme_const, blocking);
    snprintf(what, sizeof what, "%s forward vs serial", name);
    check(what, t, serial_t, 1e-12, &worst_serial);

    double h = 1e-6, up[N + 2], um[N + 2];
    for (int i = 0; i < n + 2; i++) {
      up[i] = U[lo + i] + h * v[i];
      um[i] = U[lo + i] - h * v[i];
    }
    double fd = (heat(up, n, blocking) - heat(um, n, blocking)) / (2 * h);
    double local = 0.0, g;
    for (int i = 1; i <= n; i++) local += du[i] * v[i];
    MPI_Allreduce(&local, &g, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    snprintf(what, sizeof what, "%s forward vs finite differences", name);
    check(what, t, fd, 1e-6, &worst_fd);
    snprintf(what, sizeof what, "%s reverse . v vs finite differences", name);
    check(what, g, fd, 1e-6, &worst_fd);
  }
  return verdict("heat");
}
