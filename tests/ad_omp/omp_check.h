/* Shared by the OpenMP test programs: the checks of ../parallel_check.h and the verdict. */
#ifndef OMP_CHECK_H
#define OMP_CHECK_H
#include <omp.h>
#include <stdio.h>

#define CHECK_WHERE() ((void)0)
#include "../parallel_check.h"

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
