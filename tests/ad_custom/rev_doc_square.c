/* Enzyme's documented custom-gradient example: square_(const double *src, double *dest)
   writes *dest = *src * *src; its augmented forward function takes (src, d_src, dest,
   d_dest), computes the primal and returns a tape pointer (NULL: it needs none), and
   the gradient function takes (src, d_src, dest, d_dest, tape) and updates d_src itself
   (adding to it; dest is an output, so its adjoint is consumed). The registration's
   name suffix ("square") is not the function's name (square_) and is also the name of
   another function of the program: the array's first element says which function the
   rule is for. The gradient function deliberately returns 3 times the true adjoint.
   square() is differentiated, through a local whose address goes to square_, for x in
   1..4 as the documentation's loop does; a second function calls square_ twice in
   sequence on one buffer (dest of the first call is src of the second). */
#include "custom.h"

__attribute__((noinline)) void square_(const double *src, double *dest) {
  *dest = *src * *src;
}

int augment = 0, gradient = 0, bad_tape = 0;

void *augment_square_(const double *src, const double *d_src, double *dest, double *d_dest) {
  (void)d_src, (void)d_dest;
  augment++;
  *dest = *src * *src;
  return NULL;
}

void gradient_square_(const double *src, double *d_src, const double *dest, double *d_dest,
                      void *tape) {
  (void)dest;
  gradient++;
  if (tape != NULL)
    bad_tape++;
  double g = *d_dest;
  *d_dest = 0;
  *d_src += RULE_MUL(3.0) * 2 * *src * g;
}

void *__enzyme_register_gradient_square[3] = {
    (void *)square_,
    (void *)augment_square_,
    (void *)gradient_square_,
};

double square(double x) {
  double y;
  square_(&x, &y);
  return y;
}

double dsquare(double x) {
  return __enzyme_autodiff((void *)square, x);
}

/* x^4 + x through two calls: t = x^2, u = t^2 */
double fourth(double x) {
  double t, u;
  square_(&x, &t);
  square_(&t, &u);
  return u + x;
}

static double fd_square(const double *p) { return square(p[0]); }
static double fd_fourth(const double *p) { return fourth(p[0]); }

int main(void) {
  for (double i = 1; i < 5; i++) {
    int a0 = augment, g0 = gradient;
    double d = dsquare(i);
    check_count("augment calls", augment - a0, 1);
    check_count("gradient calls", gradient - g0, 1);
    printf("square(%f)=%f, dsquare(%f)=%f\n", i, square(i), i, d);
    double p[1] = {i}, got[1] = {d}, want[1] = {RULE_MUL(3.0) * 2 * i};
    check_grad_rule("dsquare", fd_square, fd_square, p, 1, got, want);
  }
  double x = 0.8;
  int a0 = augment, g0 = gradient;
  double d = __enzyme_autodiff((void *)fourth, x);
  check_count("fourth: augment calls", augment - a0, 2);
  check_count("fourth: gradient calls", gradient - g0, 2);
  /* du/dx = (3 * 2 t) (3 * 2 x), t = x^2 */
  double p[1] = {x}, got[1] = {d},
         want[1] = {RULE_MUL(3.0) * 2 * (x * x) * RULE_MUL(3.0) * 2 * x + 1};
  check_grad_rule("fourth", fd_fourth, fd_fourth, p, 1, got, want);
  check_count("tape passed to the gradient is the NULL the augment returned", bad_tape, 0);
  return failures != 0;
}
