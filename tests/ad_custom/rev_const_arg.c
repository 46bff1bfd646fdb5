/* A custom-gradient function of two doubles called with constant arguments at some
   sites: a literal (scale(x, 0.5), scale(2.0, y)), an argument the caller marks
   enzyme_const (scale(k, x y), scale(x, k)), and both (scale(k, 1.5)). The reverse
   function always returns both adjoints (a struct, parameter order); the engine keeps
   the one of each active argument and drops the other. Its rule is deliberately wrong:
   d/da is 3 times the true one, d/db the true one plus 1000. The augmented forward
   function returns the primal. */
#include "custom.h"

typedef struct {
  double da, db;
} scale_adj;

int rev_calls;

/* a e^b */
__attribute__((noinline)) double scale(double a, double b) { return a * exp(b); }

double aug_scale(double a, double b) { return a * exp(b); }

scale_adj rev_scale(double a, double b, double d_ret) {
  rev_calls++;
  scale_adj r = {RULE_MUL(3.0) * exp(b) * d_ret, (a * exp(b) + RULE_ADD(1000.0)) * d_ret};
  return r;
}

void *__enzyme_register_gradient_scale[3] = {(void *)scale, (void *)aug_scale,
                                              (void *)rev_scale};

double g(double x, double y, double k) {
  return scale(x, 0.5) + scale(2.0, y) + scale(k, x * y) + scale(x, k) + scale(k, 1.5) * x;
}

static double K = 0.35;
static double fd_g(const double *p) { return g(p[0], p[1], K); }

int main(void) {
  double x = 0.9, y = -0.6, k = K;
  grad2 d = __enzyme_autodiff2((void *)g, x, y, enzyme_const, k);
  check("the rule ran", rev_calls > 0, 1, 0);
  /* the rule's partial derivatives of scale(a, b) */
#define DA(a, b) (RULE_MUL(3.0) * exp(b))
#define DB(a, b) ((a) * exp(b) + RULE_ADD(1000.0))
  double want[2] = {
      DA(x, 0.5) + y * DB(k, x * y) + DA(x, k) + k * exp(1.5),
      DB(2.0, y) + x * DB(k, x * y),
  };
  double p[2] = {x, y}, got[2] = {d.dx, d.dy};
  check_grad_rule("g", fd_g, fd_g, p, 2, got, want);
  return failures != 0;
}
