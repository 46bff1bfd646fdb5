/* A custom gradient inside split mode: upd() is run by __enzyme_augmentfwd (which
   returns the tape) and reversed later by __enzyme_reverse (tape as the last argument).
   upd calls decay_ (in place v_i <- exp(-v_i)), whose augmented forward function mallocs
   its own tape (the overwritten inputs): that tape must live in upd's tape between the
   two calls (it is still alive after __enzyme_augmentfwd) and reach the reverse
   function, which frees it. The rule is 3 times the true derivative. */
#include "custom.h"

int aug_calls, rev_calls, tapes_live, bad_tapes;

__attribute__((noinline)) void decay_(double *v, int n) {
  for (int i = 0; i < n; i++) v[i] = exp(-v[i]);
}

void *aug_decay_(double *v, double *d_v, int n) {
  (void)d_v;
  double *old = malloc((size_t)(n + 1) * sizeof(double));
  old[0] = n;
  for (int i = 0; i < n; i++) {
    old[i + 1] = v[i];
    v[i] = exp(-v[i]);
  }
  aug_calls++;
  tapes_live++;
  return old;
}

void rev_decay_(double *v, double *d_v, int n, void *tape) {
  (void)v;
  double *old = tape;
  rev_calls++;
  if (old == NULL || old[0] != n) {
    bad_tapes++;
    return;
  }
  for (int i = 0; i < n; i++) {
    double g = d_v[i];
    d_v[i] = 0;
    d_v[i] += RULE_MUL(3.0) * -exp(-old[i + 1]) * g;
  }
  free(old);
  tapes_live--;
}

void *__enzyme_register_gradient_decay_[3] = {(void *)decay_, (void *)aug_decay_,
                                               (void *)rev_decay_};

/* u = exp(-x); x0 <- u0 + u1^2; x1 <- x0 u1 */
void upd(double x[2]) {
  decay_(x, 2);
  x[0] = x[0] + x[1] * x[1];
  x[1] = x[0] * x[1];
}

static const double seed[2] = {1.0, -0.5};
static double fd_upd(const double *p) {
  double x[2] = {p[0], p[1]};
  upd(x);
  return seed[0] * x[0] + seed[1] * x[1];
}

int main(void) {
  double a = 0.3, b = -0.6, x[2] = {a, b}, x_b[2] = {seed[0], seed[1]};
  void *tape = __enzyme_augmentfwd((void *)upd, x, x_b);
  double u0 = exp(-a), u1 = exp(-b);
  check("augmented primal x0", x[0], u0 + u1 * u1, 1e-14);
  check("augmented primal x1", x[1], (u0 + u1 * u1) * u1, 1e-14);
  check_count("augmented forward calls", aug_calls, 1);
  check_count("custom tape alive between the two calls", tapes_live, 1);
  __enzyme_reverse((void *)upd, x, x_b, tape);
  check_count("reverse calls", rev_calls, 1);
  check_count("custom tape freed", tapes_live, 0);
  check_count("bad tapes", bad_tapes, 0);
  double gu0 = seed[0] + seed[1] * u1, gu1 = 2 * seed[0] * u1 + seed[1] * (u0 + 3 * u1 * u1);
  double want[2] = {RULE_MUL(3.0) * -u0 * gu0, RULE_MUL(3.0) * -u1 * gu1};
  double p[2] = {a, b};
  check_grad_rule("upd", fd_upd, fd_upd, p, 2, x_b, want);
  return failures != 0;
}
