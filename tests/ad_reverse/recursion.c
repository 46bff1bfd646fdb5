/* Recursion: power by squaring (two recursive shapes), a Fibonacci-like recurrence over
   doubles with two recursive calls per level, and a divide-and-conquer sum of squares
   over a duplicated array. */
#include "check.h"

double rpow(double x, int n) {
  if (n == 0)
    return 1;
  if (n % 2 == 0) {
    double h = rpow(x, n / 2);
    return h * h;
  }
  return x * rpow(x, n - 1);
}

/* F0 = 1, F1 = x, Fn = x F(n-1) + F(n-2) */
double fibx(double x, int n) {
  if (n <= 1)
    return n == 1 ? x : 1.0;
  return x * fibx(x, n - 1) + fibx(x, n - 2);
}

double rsum(const double *a, int lo, int hi) {
  if (hi - lo == 1)
    return a[lo] * a[lo] * (lo + 1);
  int mid = (lo + hi) / 2;
  return rsum(a, lo, mid) + rsum(a, mid, hi);
}

static double fd_rpow(const double *p) { return rpow(p[0], 11); }
static double fd_fib(const double *p) { return fibx(p[0], 9); }
static double fd_rsum(const double *p) { return rsum(p, 0, 7); }

int main(void) {
  double x[1] = {1.07};
  double wp[1] = {11 * pow(x[0], 10)}, gp[1] = {__enzyme_autodiff((void *)rpow, x[0], 11)};
  check_grad("rpow", fd_rpow, x, 1, gp, wp);
  check_fwd("rpow fwd", __enzyme_fwddiff((void *)rpow, x[0], 1.0, 11), gp[0], wp[0], 1e-12);

  /* D0 = 0, D1 = 1, Dn = F(n-1) + x D(n-1) + D(n-2) */
  double y[1] = {0.8}, F[10], D[10];
  F[0] = 1, F[1] = y[0], D[0] = 0, D[1] = 1;
  for (int k = 2; k <= 9; k++) {
    F[k] = y[0] * F[k - 1] + F[k - 2];
    D[k] = F[k - 1] + y[0] * D[k - 1] + D[k - 2];
  }
  double wf[1] = {D[9]}, gf[1] = {__enzyme_autodiff((void *)fibx, y[0], 9)};
  check_grad("fibx", fd_fib, y, 1, gf, wf);
  check_fwd("fibx fwd", __enzyme_fwddiff((void *)fibx, y[0], 1.0, 9), gf[0], wf[0], 1e-12);

  double a[7] = {0.5, -1.5, 0.25, 2.0, -0.75, 1.25, 0.1}, da[7] = {0}, wa[7];
  for (int i = 0; i < 7; i++) wa[i] = 2 * a[i] * (i + 1);
  __enzyme_autodiff_v((void *)rsum, a, da, 0, 7);
  check_grad("rsum", fd_rsum, a, 7, da, wa);
  double e[7] = {0};
  for (int i = 0; i < 7; i++) {
    e[i] = 1;
    check_fwd("rsum fwd", __enzyme_fwddiff((void *)rsum, a, e, 0, 7), da[i], wa[i], 1e-12);
    e[i] = 0;
  }
  return failures != 0;
}
