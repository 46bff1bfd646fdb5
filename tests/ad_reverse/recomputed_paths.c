/* Blocks whose predecessor the reverse sweep recomputes instead of taping: branches on
   the loop counter merging two and three ways (one way decided by data, the others by
   the counter), a packed triangular product whose inner loop the vectorizer splits into
   a vector part and a remainder (which one ran, and where the remainder started, follow
   from the counters), and two inner loops reading a value of their outer iteration that
   the outer latch tapes anyway. Then loops of one block rewriting an array in place
   (one vectorized), whose records the forward sweep writes at an index into space pushed
   before the loop. Sizes that leave remainders of every length. */
#include <math.h>

#include "check.h"

double counter_paths(const double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    double v;
    if (i % 3 == 0)
      v = x[i] * x[i];
    else if (i < n / 2)
      v = sin(x[i]);
    else
      v = x[i] * 0.5;
    double u = x[i] > 0 ? v * x[i] : v - x[i];  /* decided by data: taped */
    if (i & 1) u = u * v;
    s += u;
  }
  return s;
}

double packed_tri(const double *lower, const double *x, int d) {
  double mapped[16];
  for (int j = 0; j < d; j++) mapped[j] = x[j];
  int at = 0;
  for (int col = 0; col < d; col++)
    for (int row = col + 1; row < d; row++) mapped[row] += lower[at++] * x[col];
  double s = 0;
  for (int j = 0; j < d; j++) s += mapped[j] * mapped[j];
  return s;
}

double outer_value(const double *w, const double *x, int n, int m) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    double t = exp(x[i] * 0.3);
    int off = (i * 7) % n;
    for (int j = 0; j < m; j++) s += w[off + j] * t * x[j];
    for (int j = 0; j < m; j += 2) s += t * x[j] * w[j];
    s = s * cos(t) + t;
  }
  return s;
}

double overwrite_steps(double *a, const double *b, int n, int steps) {
  for (int t = 0; t < steps; t++) {
    for (int i = 0; i < n; i++) a[i] = sin(a[i]) * b[i] + 0.1 * a[i];
    for (int i = 0; i < n; i++) a[i] = a[i] * a[i] * b[i] + 0.5 * a[i];
  }
  double s = 0;
  for (int i = 0; i < n; i++) s += a[i] * a[i];
  return s;
}

#define N 11
#define D 11
#define NL (D * (D - 1) / 2)
static double lw[NL], ww[2 * N];
static int dim;
static double fd_paths(const double *p) { return counter_paths(p, dim); }
static double fd_tri_x(const double *p) { return packed_tri(lw, p, dim); }
static double fd_outer_x(const double *p) { return outer_value(ww, p, N, dim); }
static double fd_steps_a(const double *p) {
  double a[N];
  for (int i = 0; i < dim; i++) a[i] = p[i];
  return overwrite_steps(a, ww, dim, 3);
}

int main(void) {
  double x[2 * N], dx[2 * N], want[2 * N];
  for (int k = 0; k < 2 * N; k++) x[k] = 0.8 * sin(1.3 * k + 0.4);
  for (int k = 0; k < NL; k++) lw[k] = 0.2 + 0.05 * (k % 9);
  for (int k = 0; k < 2 * N; k++) ww[k] = 1.0 - 0.04 * k;

  for (dim = 1; dim <= N; dim++) {
    clear(dx, N);
    __enzyme_autodiff((void *)counter_paths, x, dx, dim);
    for (int i = 0; i < dim; i++) {
      double v, dv, du_dv, du_dx;
      if (i % 3 == 0)
        v = x[i] * x[i], dv = 2 * x[i];
      else if (i < dim / 2)
        v = sin(x[i]), dv = cos(x[i]);
      else
        v = x[i] * 0.5, dv = 0.5;
      double u = x[i] > 0 ? v * x[i] : v - x[i];
      if (x[i] > 0)
        du_dv = x[i], du_dx = v;
      else
        du_dv = 1, du_dx = -1;
      if (i & 1) du_dv = du_dv * v + u, du_dx *= v;
      want[i] = du_dv * dv + du_dx;
    }
    check_grad("counter_paths dx", fd_paths, x, dim, dx, want);
  }

  for (dim = 1; dim <= D; dim++) {
    double dl[NL] = {0}, mapped[16];
    clear(dx, D);
    __enzyme_autodiff((void *)packed_tri, lw, dl, x, dx, dim);
    for (int j = 0; j < dim; j++) mapped[j] = x[j];
    int at = 0;
    for (int col = 0; col < dim; col++)
      for (int row = col + 1; row < dim; row++) mapped[row] += lw[at++] * x[col];
    for (int j = 0; j < dim; j++) want[j] = 2 * mapped[j];
    at = 0;
    for (int col = 0; col < dim; col++)
      for (int row = col + 1; row < dim; row++, at++) {
        check("packed_tri dl", dl[at], 2 * mapped[row] * x[col], 1e-11);
        want[col] += 2 * mapped[row] * lw[at];
      }
    check_grad("packed_tri dx", fd_tri_x, x, dim, dx, want);
  }

  for (dim = 1; dim <= N; dim++) {
    double dw[2 * N] = {0}, want_w[2 * N] = {0}, mid[N], ds = 1, s = 0;
    clear(dx, 2 * N);
    __enzyme_autodiff((void *)outer_value, ww, dw, x, dx, N, dim);
    /* mid = s + t a, a = sum_j w[off + j] x[j] + sum_{even j} w[j] x[j]; s' = mid cos t + t */
    for (int i = 0; i < N; i++) {
      double t = exp(x[i] * 0.3), a = 0;
      int off = (i * 7) % N;
      for (int j = 0; j < dim; j++) a += ww[off + j] * x[j];
      for (int j = 0; j < dim; j += 2) a += ww[j] * x[j];
      mid[i] = s + t * a;
      s = mid[i] * cos(t) + t;
    }
    clear(want, 2 * N);
    for (int i = N - 1; i >= 0; i--) {
      double t = exp(x[i] * 0.3), a = 0;
      int off = (i * 7) % N;
      for (int j = 0; j < dim; j++) a += ww[off + j] * x[j];
      for (int j = 0; j < dim; j += 2) a += ww[j] * x[j];
      double dmid = ds * cos(t), dt = ds * (1 - mid[i] * sin(t)) + dmid * a, da = dmid * t;
      for (int j = 0; j < dim; j++) want[j] += da * ww[off + j], want_w[off + j] += da * x[j];
      for (int j = 0; j < dim; j += 2) want[j] += da * ww[j], want_w[j] += da * x[j];
      want[i] += dt * t * 0.3;
      ds = dmid;
    }
    check_grad("outer_value dx", fd_outer_x, x, N > dim ? N : dim, dx, want);
    for (int k = 0; k < 2 * N; k++) check("outer_value dw", dw[k], want_w[k], 1e-10);
  }
  for (dim = 1; dim <= N; dim++) {
    double a[N], da[N] = {0}, db[N] = {0}, hist[7][N], wb[N] = {0};
    for (int i = 0; i < dim; i++) a[i] = x[i];
    __enzyme_autodiff((void *)overwrite_steps, a, da, ww, db, dim, 3);
    for (int i = 0; i < dim; i++) hist[0][i] = x[i];
    for (int t = 0; t < 3; t++)
      for (int i = 0; i < dim; i++) {
        double u = hist[2 * t][i];
        hist[2 * t + 1][i] = sin(u) * ww[i] + 0.1 * u;
        double v = hist[2 * t + 1][i];
        hist[2 * t + 2][i] = v * v * ww[i] + 0.5 * v;
      }
    for (int i = 0; i < dim; i++) {
      double g = 2 * hist[6][i];
      for (int t = 2; t >= 0; t--) {
        double u = hist[2 * t][i], v = hist[2 * t + 1][i];
        wb[i] += g * v * v;
        g *= 2 * v * ww[i] + 0.5;
        wb[i] += g * sin(u);
        g *= cos(u) * ww[i] + 0.1;
      }
      want[i] = g;
    }
    check_grad("overwrite_steps da", fd_steps_a, x, dim, da, want);
    for (int i = 0; i < dim; i++) check("overwrite_steps db", db[i], wb[i], 1e-10);
  }
  return failures != 0;
}
