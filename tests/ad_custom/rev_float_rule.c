/* Custom gradients in single precision: cubef_ (float -> float) has an augmented
   forward function returning the float primal and a reverse function taking the float
   adjoint of the result and returning the float adjoint of x (3 times the true one);
   mixd(float a, double b) -> double has a reverse function returning a struct
   {float da; double db;} (in parameter order; xmm0/xmm1 on x86-64), da being the true
   adjoint plus 1000 times the result's adjoint and db 3 times the true one. Each active
   argument is checked on its own (the other marked enzyme_const). */
#include "custom.h"

typedef struct {
  float da;
  double db;
} mixd_adj;

int aug_calls, rev_calls;

__attribute__((noinline)) float cubef_(float x) { return x * x * x; }

float aug_cubef_(float x) {
  aug_calls++;
  return x * x * x;
}

float rev_cubef_(float x, float d_ret) {
  rev_calls++;
  return (float)(RULE_MUL(3.0f) * 3 * x * x * d_ret);
}

void *__enzyme_register_gradient_cubef_[3] = {(void *)cubef_, (void *)aug_cubef_,
                                               (void *)rev_cubef_};

__attribute__((noinline)) double mixd(float a, double b) { return a * b * b; }

double aug_mixd(float a, double b) {
  aug_calls++;
  return a * b * b;
}

mixd_adj rev_mixd(float a, double b, double d_ret) {
  rev_calls++;
  mixd_adj r = {(float)((b * b + RULE_ADD(1000.0)) * d_ret), RULE_MUL(3.0) * 2 * a * b * d_ret};
  return r;
}

void *__enzyme_register_gradient_mixd[3] = {(void *)mixd, (void *)aug_mixd, (void *)rev_mixd};

float lossf(float a) { return cubef_(a) * a + sinf(a); }

double lossm(float a, double b) { return mixd(a, b) * b + cubef_(a) * b; }

static double fd_lossf(const double *p) { return lossf((float)p[0]); }
static double fd_lossm(const double *p) { return lossm((float)p[0], p[1]); }

int main(void) {
  float a = 0.75f;
  double b = -1.25;
  int a0 = aug_calls, r0 = rev_calls;
  float g = __enzyme_autodiff_f((void *)lossf, a);
  check_count("lossf: augmented forward calls", aug_calls - a0, 1);
  check_count("lossf: reverse calls", rev_calls - r0, 1);
  double A = a;
#define DCUBE(x) (RULE_MUL(3.0) * 3 * (x) * (x))
  double p1[1] = {A}, got1[1] = {g}, want1[1] = {A * DCUBE(A) + A * A * A + cos(A)};
  check_grad_rule_f("lossf", fd_lossf, fd_lossf, p1, 1, got1, want1);

  float ga = __enzyme_autodiff_f((void *)lossm, a, enzyme_const, b);
  double gb = __enzyme_autodiff((void *)lossm, enzyme_const, a, b);
  double p2[2] = {A, b}, got2[2] = {ga, gb};
  double want2[2] = {b * (b * b + RULE_ADD(1000.0)) + b * DCUBE(A),
                     b * RULE_MUL(3.0) * 2 * A * b + A * b * b + A * A * A};
  check_grad_rule_f("lossm", fd_lossm, fd_lossm, p2, 2, got2, want2);
  return failures != 0;
}
