/* A custom gradient whose augmented forward function mallocs a tape: square_all(a, n)
   squares an array in place, so its input is overwritten and the reverse function
   cannot read it back; the augmented function saves a copy of the input in a malloc'd
   tape (with a magic number and the length), the reverse function reads the tape, turns
   the adjoint of the output into the adjoint of the input (in place, as the primal) and
   frees the tape. The differentiated function calls square_all twice on the same array
   and then overwrites the array, so any rule reading the array instead of the tape gets
   a wrong value. The reverse function deliberately uses 3 times the true derivative, so
   the gradient is 9 times the true one. */
#include "custom.h"

#define MAGIC 0x5eed7a9eu

typedef struct {
  unsigned magic;
  int n;
  double old[];
} sq_tape;

int aug_calls, rev_calls, tapes_live, bad_tapes;

__attribute__((noinline)) void square_all(double *a, int n) {
  for (int i = 0; i < n; i++) a[i] = a[i] * a[i];
}

void *aug_square_all(double *a, double *d_a, int n) {
  (void)d_a;
  sq_tape *t = malloc(sizeof(sq_tape) + (size_t)n * sizeof(double));
  t->magic = MAGIC;
  t->n = n;
  memcpy(t->old, a, (size_t)n * sizeof(double));
  for (int i = 0; i < n; i++) a[i] = a[i] * a[i];
  aug_calls++;
  tapes_live++;
  return t;
}

void rev_square_all(double *a, double *d_a, int n, void *tape) {
  (void)a;
  sq_tape *t = tape;
  if (t == NULL || t->magic != MAGIC || t->n != n) {
    bad_tapes++;
    return;
  }
  for (int i = 0; i < n; i++) {
    double g = d_a[i]; /* adjoint of the squared value, consumed */
    d_a[i] = 0;
    d_a[i] += RULE_MUL(3.0) * 2 * t->old[i] * g;
  }
  t->magic = 0;
  free(t);
  rev_calls++;
  tapes_live--;
}

void *__enzyme_register_gradient_square_all[3] = {(void *)square_all, (void *)aug_square_all,
                                                   (void *)rev_square_all};

/* s = sum_i (a_i^2 + w_i)^2; a is left overwritten with -1 */
double chain(double *a, const double *w, int n) {
  square_all(a, n);
  for (int i = 0; i < n; i++) a[i] += w[i];
  square_all(a, n);
  double s = 0;
  for (int i = 0; i < n; i++) s += a[i];
  for (int i = 0; i < n; i++) a[i] = -1.0;
  return s;
}

#define N 4
static const double w[N] = {0.3, -0.2, 1.1, 0.05};
static double fd_chain(const double *p) {
  double a[N];
  memcpy(a, p, sizeof a);
  return chain(a, w, N);
}

int main(void) {
  const double x[N] = {0.9, -1.3, 0.4, 2.1};
  double a[N], d_a[N] = {0};
  memcpy(a, x, sizeof a);
  __enzyme_autodiff_v((void *)chain, enzyme_dup, a, d_a, enzyme_const, w, N);
  check_count("augmented forward calls", aug_calls, 2);
  check_count("reverse calls", rev_calls, 2);
  check_count("tapes still live", tapes_live, 0);
  check_count("bad tapes", bad_tapes, 0);
  for (int i = 0; i < N; i++) check("array overwritten by the primal", a[i], -1.0, 0);
  double want[N];
  for (int i = 0; i < N; i++) {
    double t = x[i] * x[i] + w[i];
    want[i] = RULE_MUL(3.0) * 2 * t * RULE_MUL(3.0) * 2 * x[i];
  }
  check_grad_rule("chain", fd_chain, fd_chain, x, N, d_a, want);
  return failures != 0;
}
