/* Split mode with user code between the passes: the augmented forward pass computes
   the model outputs y; the caller then reads them, evaluates a loss
   sum (y_i - t_i)^2 itself, writes the seed dy = 2 (y - t), scribbles over unrelated
   memory and calls other functions, and only then runs the reverse pass, which must
   find its tape intact. y_i = exp(x_i / 2) x_(i+1 mod n). */
#include "check.h"

#define TAPE_BYTES 1024
#define N 5

void model(const double *x, double *y, int n) {
  for (int i = 0; i < n; i++) y[i] = exp(0.5 * x[i]) * x[(i + 1) % n];
}

static const double target[N] = {0.5, -0.25, 1.0, 0.75, -0.5};

static double loss_of(const double *y) {
  double l = 0;
  for (int i = 0; i < N; i++) l += (y[i] - target[i]) * (y[i] - target[i]);
  return l;
}

static double fd_loss(const double *p) {
  double y[N];
  model(p, y, N);
  return loss_of(y);
}

__attribute__((noinline)) static double busy_work(int k) {
  double junk[64];
  for (int i = 0; i < 64; i++) junk[i] = sin(i * k);
  double s = 0;
  for (int i = 0; i < 64; i++) s += junk[i];
  return s;
}

int main(void) {
  double tape[TAPE_BYTES / sizeof(double)];
  double x[N] = {0.2, -0.6, 0.9, 0.4, -0.3}, dx[N] = {0}, y[N], dy[N] = {0};
  __enzyme_augmentfwd((void *)model, enzyme_allocated, TAPE_BYTES, enzyme_tape, tape,
                      enzyme_dup, x, dx, enzyme_dup, y, dy, enzyme_const, N);
  /* user code: the loss and its seed from the primal outputs */
  double l = loss_of(y);
  for (int i = 0; i < N; i++) dy[i] = 2 * (y[i] - target[i]);
  double unrelated[N];
  for (int i = 0; i < N; i++) unrelated[i] = busy_work(i) + l;
  printf("loss %.6f (noise %.3f)\n", l, unrelated[N - 1]);
  __enzyme_reverse((void *)model, enzyme_allocated, TAPE_BYTES, enzyme_tape, tape,
                   enzyme_dup, x, dx, enzyme_dup, y, dy, enzyme_const, N);
  double want[N];
  for (int k = 0; k < N; k++) {
    int prev = (k + N - 1) % N, next = (k + 1) % N;
    double yk = exp(0.5 * x[k]) * x[next], yp = exp(0.5 * x[prev]) * x[k];
    want[k] = 2 * (yk - target[k]) * 0.5 * exp(0.5 * x[k]) * x[next]
              + 2 * (yp - target[prev]) * exp(0.5 * x[prev]);
  }
  check_grad("split model", fd_loss, x, N, dx, want);
  double t[N] = {0}, ty[N];
  for (int k = 0; k < N; k++) {
    t[k] = 1;
    __enzyme_fwddiff_v((void *)model, x, t, y, ty, N);
    double dl = 0;
    for (int i = 0; i < N; i++) dl += 2 * (y[i] - target[i]) * ty[i];
    check_fwd("model fwd", dl, dx[k], want[k], 1e-12);
    t[k] = 0;
  }
  return failures != 0;
}
