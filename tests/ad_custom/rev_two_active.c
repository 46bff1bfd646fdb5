/* A custom gradient for a function of two active doubles: the reverse function returns
   a struct of their two adjoints, in parameter order ({double, double}, in registers on
   x86-64). The augmented forward function returns void: it produces nothing, so the
   primal result the gradient needs is obtained by calling my_hypot itself (once), and
   the reverse function gets no tape. The rule is deliberately wrong in a different way
   for each adjoint (x: 3 times the true one; y: the true one plus 1000), which also
   shows that the two are not swapped. */
#include "custom.h"

typedef struct {
  double dx, dy;
} hypot_adj;

int f_calls, aug_calls, rev_calls;

__attribute__((noinline)) double my_hypot(double x, double y) {
  f_calls++;
  return sqrt(x * x + y * y);
}

void aug_my_hypot(double x, double y) {
  (void)x, (void)y;
  aug_calls++;
}

hypot_adj rev_my_hypot(double x, double y, double d_ret) {
  rev_calls++;
  double r = sqrt(x * x + y * y);
  hypot_adj a = {RULE_MUL(3.0) * (x / r) * d_ret, (y / r + RULE_ADD(1000.0)) * d_ret};
  return a;
}

void *__enzyme_register_gradient_my_hypot[3] = {(void *)my_hypot, (void *)aug_my_hypot,
                                                 (void *)rev_my_hypot};

/* r y + x^2, r = |(x, y)|: the gradient needs the primal r */
double loss(double x, double y) { return my_hypot(x, y) * y + x * x; }

static double fd_loss(const double *p) { return loss(p[0], p[1]); }

int main(void) {
  const double pts[3][2] = {{0.6, 0.8}, {-1.5, 2.0}, {3.0, -0.4}};
  for (int k = 0; k < 3; k++) {
    double x = pts[k][0], y = pts[k][1];
    int f0 = f_calls, a0 = aug_calls, r0 = rev_calls;
    grad2 d = __enzyme_autodiff2((void *)loss, x, y);
    int df = f_calls - f0, da = aug_calls - a0, dr = rev_calls - r0;
    check_count("augmented forward calls", da, 1);
    check_count("reverse calls", dr, 1);
    check_count("my_hypot called once for its primal (aug returns void)", df, 1);
    double r = sqrt(x * x + y * y);
    double want[2] = {y * RULE_MUL(3.0) * (x / r) + 2 * x, y * (y / r + RULE_ADD(1000.0)) + r};
    double p[2] = {x, y}, got[2] = {d.dx, d.dy};
    check_grad_rule("loss", fd_loss, fd_loss, p, 2, got, want);
  }
  return failures != 0;
}
