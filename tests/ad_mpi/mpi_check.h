/* Shared by the MPI test programs: the checks of ../parallel_check.h (failures name their
   rank) and every rank's verdict. */
#ifndef MPI_CHECK_H
#define MPI_CHECK_H
#include <mpi.h>
#include <stdio.h>

static void print_rank(void) {
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  printf("rank %d: ", rank);
}
#define CHECK_WHERE print_rank
#include "../parallel_check.h"

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
