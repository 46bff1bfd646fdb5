/* The Enzyme tutorial's normalize: out[i] = in[i] / mag(in, n) through a noinline helper
   called n times inside the loop, restrict pointers, a run-time n; both arrays
   duplicated and n constant, as the tutorial marks them. The output shadow carries
   weights w_i (the tutorial seeds all ones, whose gradient is zero since the outputs
   always sum to 1), so L = sum_i w_i in_i / S with S = sum_i in_i. */
#include "check.h"

__attribute__((noinline)) double mag(const double *A, int n) {
  double amt = 0;
  for (int i = 0; i < n; i++) amt += A[i];
  return amt;
}

void normalize(double *__restrict__ out, const double *__restrict__ in, int n) {
  for (int i = 0; i < n; ++i)
    out[i] = in[i] / mag(in, n);
}

#define N 6
static double w[N];

static double fd_norm(const double *p) {
  double out[N];
  normalize(out, p, N);
  return vdot(w, out, N);
}

int main(void) {
  double A[N], B[N], grad_A[N], grad_B[N], S = 0, WB = 0;
  for (int i = 0; i < N; i++) {
    B[i] = 1.0 + 0.25 * i;
    w[i] = 1.0 + 0.5 * i * i;
    grad_A[i] = w[i];
    grad_B[i] = 0.0;
    S += B[i];
    WB += w[i] * B[i];
  }
  __enzyme_autodiff_v((void *)normalize,
                      enzyme_dup, A, grad_A,
                      enzyme_dup, B, grad_B,
                      enzyme_const, N);
  double want[N];
  for (int i = 0; i < N; i++) {
    want[i] = w[i] / S - WB / (S * S);
    check("normalize primal", A[i], B[i] / S, 1e-12);
    check("output shadow consumed", grad_A[i], 0.0, 0);
  }
  check_grad("normalize", fd_norm, B, N, grad_B, want);
  double t[N] = {0}, tout[N];
  for (int k = 0; k < N; k++) {
    t[k] = 1;
    clear(tout, N);
    __enzyme_fwddiff_v((void *)normalize, enzyme_dup, A, tout, enzyme_dup, B, t,
                       enzyme_const, N);
    check_fwd("normalize fwd", vdot(w, tout, N), grad_B[k], want[k], 1e-12);
    t[k] = 0;
  }
  return failures != 0;
}
