/* Split mode with a caller-allocated tape whose size depends on the data: squash(x, n)
   overwrites x_i by x_i sin(x_i) + x_i^2 / 2 for i < n, n known only at run time, so the
   tape holds one old value per iteration. The buffer holds the tape for n = 3 (reversed
   twice, enzyme_nofree the first time, as a tape kept in its buffer allows); for n = 40
   the tape outgrows the buffer, moves to the heap and its one reversal frees it. Every
   gradient is checked against central differences and against forward mode. */
#include "check.h"

#define TAPE_BYTES 128
#define N 40

void squash(double *x, int n) {
  for (int i = 0; i < n; i++) x[i] = x[i] * sin(x[i]) + 0.5 * x[i] * x[i];
}

static double seed[N];
static int fd_n;
static double fd_squash(const double *p) {
  double x[N];
  for (int i = 0; i < fd_n; i++) x[i] = p[i];
  squash(x, fd_n);
  return vdot(seed, x, fd_n);
}

static void run(int n, int twice) {
  double tape[TAPE_BYTES / sizeof(double)], x[N], dx[N], p[N], want[N];
  fd_n = n;
  for (int i = 0; i < n; i++) {
    p[i] = x[i] = 0.3 + 0.05 * i;
    want[i] = seed[i] * (sin(p[i]) + p[i] * cos(p[i]) + p[i]);
    dx[i] = seed[i];
  }
  __enzyme_augmentfwd((void *)squash, enzyme_allocated, TAPE_BYTES, enzyme_tape, tape, x, dx,
                      enzyme_const, n);
  check("augmented primal", x[n - 1], p[n - 1] * sin(p[n - 1]) + 0.5 * p[n - 1] * p[n - 1],
        1e-15);
  if (twice) {
    __enzyme_reverse((void *)squash, enzyme_allocated, TAPE_BYTES, enzyme_nofree, enzyme_tape,
                     tape, x, dx, enzyme_const, n);
    for (int i = 0; i < n; i++) dx[i] = seed[i];  /* the first reversal's gradient, dropped */
  }
  __enzyme_reverse((void *)squash, enzyme_allocated, TAPE_BYTES, enzyme_tape, tape, x, dx,
                   enzyme_const, n);
  check_grad(twice ? "kept in the buffer" : "outgrew the buffer", fd_squash, p, n, dx, want);
  for (int k = 0; k < n; k += n / 3 + 1) {
    double y[N], t[N];
    for (int i = 0; i < n; i++) y[i] = p[i], t[i] = i == k;
    __enzyme_fwddiff((void *)squash, y, t, n);
    check_fwd("squash fwd", vdot(seed, t, n), dx[k], want[k], 1e-12);
  }
}

int main(void) {
  for (int i = 0; i < N; i++) seed[i] = 1.0 - 0.04 * i;
  run(3, 1);
  run(N, 0);
  return failures != 0;
}
