/* A custom-gradient function called inside loops of the differentiated function and
   from callees of it, two levels down. softplus(z) = log(1 + e^z); its augmented forward
   function returns a struct {void *tape; double primal;} (both a tape and the primal
   result), the tape being a malloc'd copy of z with a marker; the reverse function
   takes (z, adjoint of the result, tape), checks the tape is the one made for this very
   call (its z), frees it, and returns the adjoint of z using sigmoid(z) + 1000 as the
   derivative (the true one is sigmoid(z)). Every call gets its own tape, freed exactly
   once, in any order. */
#include "custom.h"

#define MARK 12345.5

typedef struct {
  void *tape;
  double primal;
} softplus_aug;

int aug_calls, rev_calls, tapes_live, tape_mismatch;

__attribute__((noinline)) double softplus(double z) { return log1p(exp(z)); }

static double sigmoid(double z) { return 1 / (1 + exp(-z)); }

softplus_aug aug_softplus(double z) {
  double *t = malloc(2 * sizeof(double));
  t[0] = z;
  t[1] = MARK;
  aug_calls++;
  tapes_live++;
  softplus_aug r = {t, log1p(exp(z))};
  return r;
}

double rev_softplus(double z, double d_ret, void *tape) {
  double *t = tape;
  rev_calls++;
  if (t == NULL || t[1] != MARK || t[0] != z) {
    tape_mismatch++;
    return 0;
  }
  double zs = t[0];
  t[1] = 0;
  free(t);
  tapes_live--;
  return (sigmoid(zs) + RULE_ADD(1000.0)) * d_ret;
}

void *__enzyme_register_gradient_softplus[3] = {(void *)softplus, (void *)aug_softplus,
                                                 (void *)rev_softplus};

__attribute__((noinline)) double level3(double a, double b) { return softplus(a * b) * b; }

__attribute__((noinline)) double level2(const double *v, int i) {
  return level3(v[i], v[i + 1]) + softplus(v[i]);
}

double top(const double *v, int n, double k) {
  double s = 0;
  for (int i = 0; i < n; i++) s += k * softplus(v[i] * k);
  for (int i = 0; i + 1 < n; i++) s += level2(v, i);
  return s;
}

#define N 5
static double fd_top(const double *p) { return top(p, N, p[N]); }

int main(void) {
  double v[N] = {0.3, -1.2, 0.8, 2.0, -0.5}, dv[N] = {0}, k = 0.7;
  double dk = __enzyme_autodiff((void *)top, enzyme_dup, v, dv, N, k);
  check_count("augmented forward calls", aug_calls, 3 * N - 2);
  check_count("reverse calls", rev_calls, 3 * N - 2);
  check_count("tapes still live", tapes_live, 0);
  check_count("tape given to the wrong call", tape_mismatch, 0);

  double want[N + 1] = {0};
#define DSP(z) (sigmoid(z) + RULE_ADD(1000.0)) /* the rule's derivative of softplus */
  for (int i = 0; i < N; i++) {
    double z = v[i] * k;
    want[i] += k * k * DSP(z);
    want[N] += log1p(exp(z)) + k * v[i] * DSP(z);
  }
  for (int i = 0; i + 1 < N; i++) {
    double a = v[i], b = v[i + 1];
    want[i] += DSP(a * b) * b * b + DSP(a);
    want[i + 1] += DSP(a * b) * a * b + log1p(exp(a * b));
  }
  double got[N + 1], p[N + 1];
  memcpy(got, dv, sizeof dv);
  got[N] = dk;
  memcpy(p, v, sizeof v);
  p[N] = k;
  check_grad_rule("top", fd_top, fd_top, p, N + 1, got, want);
  return failures != 0;
}
