/* A callback kept in a struct and called through the pointer loaded from it: the functions
   it may be are the module's address-taken functions of its prototype, compared at run
   time. `./prog` checks both modes for the callbacks defined here; `./prog outside` stores
   libm's `sin` (defined in no module the AD sees): the gradient must stop with a message,
   not return a derivative of the wrong function. */
#include <math.h>
#include <stdio.h>
#include <string.h>

extern int enzyme_dup, enzyme_const, enzyme_out;
double __enzyme_autodiff(void *, ...);
double __enzyme_fwddiff(void *, ...);

struct model {
  double (*link)(double);
  double scale;
};

double cube(double x) { return x * x * x; }
double softplus(double x) { return log1p(exp(x)); }

double loss(const struct model *m, double x) { return m->scale * m->link(x * x); }

static volatile int pick; /* keeps the choice of callback opaque to the optimizer */

int main(int argc, char **argv) {
  struct model m = {cube, 1.5};
  if (argc > 1 && strcmp(argv[1], "outside") == 0) {
    m.link = sin;
    double d = __enzyme_autodiff((void *)loss, enzyme_const, &m, 0.3);
    printf("returned %g\n", d); /* not reached: the gradient aborts */
    return 0;
  }
  int bad = 0;
  for (pick = 0; pick < 2; pick++) {
    m.link = pick ? softplus : cube;
    double x = 0.7, h = 1e-6;
    double d = __enzyme_autodiff((void *)loss, enzyme_const, &m, x);
    double t = __enzyme_fwddiff((void *)loss, enzyme_const, &m, x, 1.0);
    double u = x * x;
    double want = pick ? 1.5 * 2 * x / (1 + exp(-u)) : 1.5 * 6 * pow(x, 5);
    double fd = (loss(&m, x + h) - loss(&m, x - h)) / (2 * h);
    if (fabs(d - want) > 1e-12 * fmax(1, fabs(want)) || fabs(t - want) > 1e-12 * fmax(1, fabs(want))
        || fabs(d - fd) > 1e-6 * fmax(1, fabs(fd))) {
      printf("FAIL pick %d: reverse %.17g forward %.17g want %.17g fd %.17g\n", pick, d, t, want, fd);
      bad = 1;
    }
  }
  printf("%s\n", bad ? "FAIL" : "ok");
  return bad;
}
