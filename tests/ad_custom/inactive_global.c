/* __enzyme_inactive_global: globals the differentiated function writes active values
   into (a debug "last value" and a statistics accumulator of squares) are declared
   inactive: they get no shadow, the derivative still performs the writes (their
   primal values are as after a call of the function), and the gradient is the true
   one. A second function reads the debug global back (through a noinline function, so
   the optimizer cannot forward the stored value): being inactive, what it reads carries
   no derivative, so that term's contribution to the gradient is zero. */
#include "custom.h"

double last_value;  /* debug: the partial sum computed last */
double stat_sumsq;  /* statistics: sum of the squares of every input seen */
long stat_count;

void *__enzyme_inactive_global[] = {(void *)&last_value, (void *)&stat_sumsq};

/* sum_i x_i^3 */
double energy(const double *x, int n) {
  double e = 0;
  for (int i = 0; i < n; i++) {
    e += x[i] * x[i] * x[i];
    stat_sumsq += x[i] * x[i];
    stat_count++;
    last_value = e;
  }
  return e;
}

__attribute__((noinline)) double read_last(void) { return last_value; }

/* energy + 0.5 * (the value energy left in last_value, i.e. energy again) */
double energy_readback(const double *x, int n) {
  double e = energy(x, n);
  return e + 0.5 * read_last();
}

#define N 4
static double fd_energy(const double *p) { return energy(p, N); }
static double fd_readback(const double *p) { return energy_readback(p, N); }

int main(void) {
  double x[N] = {0.8, -1.1, 0.45, 1.7}, dx[N] = {0};
  double e = 0, sq = 0;
  for (int i = 0; i < N; i++) e += x[i] * x[i] * x[i], sq += x[i] * x[i];
  double s0 = stat_sumsq;
  long c0 = stat_count;
  __enzyme_autodiff_v((void *)energy, enzyme_dup, x, dx, N);
  check("last_value written by the derivative", last_value, e, 1e-15);
  check("stat_sumsq accumulated once by the derivative", stat_sumsq - s0, sq, 1e-14);
  check_count("stat_count incremented once per element", stat_count - c0, N);
  double want[N];
  for (int i = 0; i < N; i++) want[i] = 3 * x[i] * x[i];
  check_grad("energy", fd_energy, x, N, dx, want);

  double dx2[N] = {0};
  __enzyme_autodiff_v((void *)energy_readback, enzyme_dup, x, dx2, N);
  /* model: the read-back term is a constant; its true derivative would add 1.5 x^2 */
  check_grad_rule("energy_readback", fd_readback, fd_energy, x, N, dx2, want);
  return failures != 0;
}
