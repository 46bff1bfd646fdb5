/* A custom gradient for a function mixing active doubles, a pointer and an int:
   wdot(double a, const double *w, int n, double b) = sum_i w_i^2 (a + i b). The
   augmented forward function takes (a, w, d_w, n, b) and returns a tape pointer (f
   returns a double, the augmented function a pointer: a tape and no primal, so the
   primal is obtained by calling wdot itself, once); the reverse function takes
   (a, w, d_w, n, b, adjoint of the result, tape), adds the adjoints of w into d_w itself
   and returns the struct {da, db} (the active doubles in parameter order, skipping the
   pointer and the int). Each part of the rule is wrong in its own way: da is the true
   one plus 1000, db 3 times the true one, d_w 5 times the true one. */
#include "custom.h"

typedef struct {
  double da, db;
} wdot_adj;

int f_calls, aug_calls, rev_calls, bad_tape;
static int tape_token;

__attribute__((noinline)) double wdot(double a, const double *w, int n, double b) {
  f_calls++;
  double s = 0;
  for (int i = 0; i < n; i++) s += w[i] * w[i] * (a + i * b);
  return s;
}

void *aug_wdot(double a, const double *w, const double *d_w, int n, double b) {
  (void)a, (void)w, (void)d_w, (void)n, (void)b;
  aug_calls++;
  return &tape_token;
}

wdot_adj rev_wdot(double a, const double *w, double *d_w, int n, double b, double d_ret,
                  void *tape) {
  rev_calls++;
  if (tape != &tape_token)
    bad_tape++;
  double sa = 0, sb = 0;
  for (int i = 0; i < n; i++) {
    sa += w[i] * w[i];
    sb += i * w[i] * w[i];
    d_w[i] += RULE_MUL(5.0) * 2 * w[i] * (a + i * b) * d_ret;
  }
  wdot_adj r = {(sa + RULE_ADD(1000.0)) * d_ret, RULE_MUL(3.0) * sb * d_ret};
  return r;
}

void *__enzyme_register_gradient_wdot[3] = {(void *)wdot, (void *)aug_wdot, (void *)rev_wdot};

#define N 4

double outer(double a, const double *w, double b) { return wdot(a, w, N, b) * a + w[0] * b; }

static double fd_outer(const double *p) { return outer(p[0], p + 2, p[1]); }

int main(void) {
  double a = 0.7, b = -0.4, w[N] = {1.2, -0.5, 0.9, 0.3}, dw[N] = {0};
  int f0 = f_calls;
  grad2 d = __enzyme_autodiff2((void *)outer, a, enzyme_dup, w, dw, b);
  check_count("wdot called once for its primal (aug returns only a tape)", f_calls - f0, 1);
  check_count("augmented forward calls", aug_calls, 1);
  check_count("reverse calls", rev_calls, 1);
  check_count("tape passed to the reverse function", bad_tape, 0);
  double f = 0, sa = 0, sb = 0;
  for (int i = 0; i < N; i++) {
    f += w[i] * w[i] * (a + i * b);
    sa += w[i] * w[i];
    sb += i * w[i] * w[i];
  }
  double want[N + 2], got[N + 2], p[N + 2];
  want[0] = a * (sa + RULE_ADD(1000.0)) + f;
  want[1] = a * RULE_MUL(3.0) * sb + w[0];
  for (int i = 0; i < N; i++)
    want[2 + i] = a * RULE_MUL(5.0) * 2 * w[i] * (a + i * b) + (i == 0 ? b : 0);
  got[0] = d.dx, got[1] = d.dy;
  memcpy(got + 2, dw, sizeof dw);
  p[0] = a, p[1] = b;
  memcpy(p + 2, w, sizeof w);
  check_grad_rule("outer", fd_outer, fd_outer, p, N + 2, got, want);
  return failures != 0;
}
