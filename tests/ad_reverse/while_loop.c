/* while and do-while loops whose trip counts depend on active data (a threshold reached
   by accumulation, a halving loop), and a goto-built loop: the derivative replays the
   same number of iterations. */
#include "check.h"

double accumulate_until(double x, double limit) {
  double s = 0;
  int k = 1;
  while (s < limit) {
    s += x * x * k;
    k++;
  }
  return s + 0.5 * limit;
}

double halve(double x) {
  double r = x;
  int n = 0;
  do {
    r = r * 0.5 + sin(r) * 0.1;
    n++;
  } while (fabs(r) > 0.2 && n < 50);
  return r * n;
}

double goto_loop(double x, int n) {
  double r = 1;
  int i = 0;
again:
  r = r * x + i;
  if (++i < n)
    goto again;
  return r;
}

static double fd_acc(const double *p) { return accumulate_until(p[0], p[1]); }
static double fd_halve(const double *p) { return halve(p[0]); }
static double fd_goto(const double *p) { return goto_loop(p[0], 6); }

int main(void) {
  /* s = x^2 K (K + 1) / 2 after K iterations */
  double x = 0.7, limit = 5.3, s = 0;
  int K = 0;
  while (s < limit) {
    K++;
    s += x * x * K;
  }
  double wa[2] = {2 * x * K * (K + 1) / 2.0, 0.5};
  grad2 d = __enzyme_autodiff2((void *)accumulate_until, x, limit);
  double pa[2] = {x, limit}, ga[2] = {d.dx, d.dy};
  check_grad("accumulate_until", fd_acc, pa, 2, ga, wa);
  check_fwd("accumulate fwd x", __enzyme_fwddiff((void *)accumulate_until, x, 1.0, limit, 0.0),
            d.dx, wa[0], 1e-12);

  /* r_(j+1) = r_j / 2 + sin(r_j) / 10, dr_(j+1) = dr_j (1/2 + cos(r_j) / 10) */
  double r = 3.1, dr = 1;
  int n = 0;
  do {
    dr *= 0.5 + 0.1 * cos(r);
    r = r * 0.5 + sin(r) * 0.1;
    n++;
  } while (fabs(r) > 0.2 && n < 50);
  double ph[1] = {3.1}, wh[1] = {dr * n}, gh[1] = {__enzyme_autodiff((void *)halve, 3.1)};
  check_grad("halve", fd_halve, ph, 1, gh, wh);
  check_fwd("halve fwd", __enzyme_fwddiff((void *)halve, 3.1, 1.0), gh[0], wh[0], 1e-12);

  /* r_(i+1) = r_i x + i: dr_(i+1) = dr_i x + r_i */
  double y = 1.15, rr = 1, drr = 0;
  for (int i = 0; i < 6; i++) {
    drr = drr * y + rr;
    rr = rr * y + i;
  }
  double pg[1] = {y}, wg[1] = {drr}, gg[1] = {__enzyme_autodiff((void *)goto_loop, y, 6)};
  check_grad("goto_loop", fd_goto, pg, 1, gg, wg);
  check_fwd("goto fwd", __enzyme_fwddiff((void *)goto_loop, y, 1.0, 6), gg[0], wg[0], 1e-12);
  return failures != 0;
}
