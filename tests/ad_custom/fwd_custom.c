/* Forward mode with registered derivatives (__enzyme_register_derivative_NAME = {f,
   fwd_f}): fwd_f takes f's parameters, each followed by its tangent (a double: the
   tangent value; a pointer: its shadow; an int: nothing), and returns the tangent of
   f's result. my_tanh's rule returns 3 times the true tangent; sq2_ (void, writes
   dst_i = 2 src_i^2 through pointers) has a rule writing the primal outputs (it may or
   may not also be called: writing the same values twice is harmless) and the tangents
   with the true derivative plus 1000 times the source tangent. cos, with no rule,
   gets its true tangent. Checked with __enzyme_fwddiff along every coordinate. */
#include "custom.h"

int fwd_tanh_calls, fwd_sq2_calls;

__attribute__((noinline)) double my_tanh(double x) { return tanh(x); }

double fwd_my_tanh(double x, double dx) {
  fwd_tanh_calls++;
  double t = tanh(x);
  return RULE_MUL(3.0) * (1 - t * t) * dx;
}

void *__enzyme_register_derivative_my_tanh[2] = {(void *)my_tanh, (void *)fwd_my_tanh};

__attribute__((noinline)) void sq2_(const double *src, double *dst, int n) {
  for (int i = 0; i < n; i++) dst[i] = 2 * src[i] * src[i];
}

void fwd_sq2_(const double *src, const double *d_src, double *dst, double *d_dst, int n) {
  fwd_sq2_calls++;
  for (int i = 0; i < n; i++) {
    dst[i] = 2 * src[i] * src[i];
    d_dst[i] = (4 * src[i] + RULE_ADD(1000.0)) * d_src[i];
  }
}

void *__enzyme_register_derivative_sq2_[2] = {(void *)sq2_, (void *)fwd_sq2_};

#define N 4

/* sum_i my_tanh(s t_i) v_i + s cos(v_0), t = sq2_(v) */
double fmodel(const double *v, int n, double s) {
  double t[N];
  sq2_(v, t, n);
  double acc = 0;
  for (int i = 0; i < n; i++) acc += my_tanh(s * t[i]) * v[i];
  return acc + s * cos(v[0]);
}

static double fd_fmodel(const double *p) { return fmodel(p, N, p[N]); }

int main(void) {
  double v[N] = {0.4, -0.7, 0.25, 0.9}, s = 0.6;
  double got[N + 1];
  for (int j = 0; j <= N; j++) {
    double dv[N] = {0};
    if (j < N) dv[j] = 1;
    int t0 = fwd_tanh_calls, q0 = fwd_sq2_calls;
    got[j] = __enzyme_fwddiff((void *)fmodel, enzyme_dup, v, dv, enzyme_const, N, s,
                              j == N ? 1.0 : 0.0);
    check_count("forward rule of my_tanh: calls", fwd_tanh_calls - t0, N);
    check_count("forward rule of sq2_: calls", fwd_sq2_calls - q0, 1);
  }
  /* the rules' derivatives */
#define DTANH(z) (RULE_MUL(3.0) * (1 - tanh(z) * tanh(z)))
#define DSQ2(x) (4 * (x) + RULE_ADD(1000.0))
  double want[N + 1] = {0};
  for (int i = 0; i < N; i++) {
    double t = 2 * v[i] * v[i];
    want[i] = DTANH(s * t) * s * DSQ2(v[i]) * v[i] + tanh(s * t);
    want[N] += DTANH(s * t) * t * v[i];
  }
  want[0] += -s * sin(v[0]);
  want[N] += cos(v[0]);
  double p[N + 1];
  memcpy(p, v, sizeof v);
  p[N] = s;
  check_grad_rule("fmodel forward", fd_fmodel, fd_fmodel, p, N + 1, got, want);
  return failures != 0;
}
