/* A custom gradient for a function of three active doubles: the reverse function
   returns a struct of three doubles (24 bytes: returned through a hidden sret pointer
   on x86-64, so its LLVM signature is (ptr sret, a, b, c, d_ret) -> void), the
   augmented forward function returns the primal. The rule: d/da 3 times the true one,
   d/db the true one plus 1000, d/dc -2 times the true one. Called twice, once with a
   literal constant as b; the whole gradient also comes back as a struct of three
   (sret). */
#include "custom.h"

typedef struct {
  double da, db, dc;
} tri_adj;

int rev_calls;

/* a b + b c^2 + sin(a c) */
__attribute__((noinline)) double trilin(double a, double b, double c) {
  return a * b + b * c * c + sin(a * c);
}

double aug_trilin(double a, double b, double c) { return a * b + b * c * c + sin(a * c); }

tri_adj rev_trilin(double a, double b, double c, double d_ret) {
  rev_calls++;
  tri_adj r = {RULE_MUL(3.0) * (b + c * cos(a * c)) * d_ret,
               (a + c * c + RULE_ADD(1000.0)) * d_ret,
               RULE_MUL(-2.0) * (2 * b * c + a * cos(a * c)) * d_ret};
  return r;
}

void *__enzyme_register_gradient_trilin[3] = {(void *)trilin, (void *)aug_trilin,
                                               (void *)rev_trilin};

double loss(double x, double y, double z) { return trilin(x, y, z) * z + trilin(z, 0.5, x); }

static double fd_loss(const double *p) { return loss(p[0], p[1], p[2]); }

int main(void) {
  double x = 0.8, y = -1.1, z = 0.45;
  grad3 g = __enzyme_autodiff3((void *)loss, x, y, z);
  check("the rule ran", rev_calls >= 1, 1, 0);
#define DA(a, b, c) (RULE_MUL(3.0) * ((b) + (c) * cos((a) * (c))))
#define DB(a, b, c) ((a) + (c) * (c) + RULE_ADD(1000.0))
#define DC(a, b, c) (RULE_MUL(-2.0) * (2 * (b) * (c) + (a) * cos((a) * (c))))
  double t = x * y + y * z * z + sin(x * z);
  double want[3] = {z * DA(x, y, z) + DC(z, 0.5, x), z * DB(x, y, z),
                    z * DC(x, y, z) + t + DA(z, 0.5, x)};
  double p[3] = {x, y, z}, got[3] = {g.dx, g.dy, g.dz};
  check_grad_rule("loss", fd_loss, fd_loss, p, 3, got, want);
  return failures != 0;
}
