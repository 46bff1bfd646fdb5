/* memcpy, memmove (overlapping) and memset on double arrays inside the differentiated
   function: a local copy of the input shifted right by one, and a duplicated scratch
   array cleared with memset and then written; the scratch shadow seeds its final
   content (w on scratch[2]). */
#include "check.h"

double mc(const double *x, double *scratch, int n) {
  double buf[8];
  memcpy(buf, x, n * sizeof(double));
  memmove(buf + 1, buf, (n - 1) * sizeof(double));
  memset(scratch, 0, n * sizeof(double));
  scratch[2] = buf[3] * buf[0];
  double s = 0;
  for (int i = 0; i < n; i++) s += buf[i] * (i + 1) + scratch[i] * x[i];
  return s;
}

#define N 6
#define W 0.5
static double fd_mc(const double *p) {
  double scratch[N];
  double s = mc(p, scratch, N);
  return s + W * scratch[2];
}

int main(void) {
  double x[N] = {0.8, -0.3, 1.4, 0.6, -1.0, 2.2}, dx[N] = {0}, scratch[N], dscratch[N] = {0};
  dscratch[2] = W;
  /* buf = x0, x0, x1, ..., x4; scratch[2] = x2 x0; s = x0 + sum_(i>=1) (i+1) x_(i-1)
     + x0 x2^2; plus W x0 x2 from the seed on scratch[2] */
  double want[N];
  for (int k = 0; k < N; k++) want[k] = k < N - 1 ? k + 2 : 0;
  want[0] += 1 + x[2] * x[2] + W * x[2];
  want[2] += 2 * x[0] * x[2] + W * x[0];
  __enzyme_autodiff_v((void *)mc, x, dx, scratch, dscratch, N);
  check_grad("memcpy", fd_mc, x, N, dx, want);
  check("scratch[2] primal", scratch[2], x[2] * x[0], 1e-15);
  double e[N] = {0}, ts[N];
  for (int k = 0; k < N; k++) {
    e[k] = 1;
    clear(ts, N);
    double t = __enzyme_fwddiff((void *)mc, x, e, scratch, ts, N);
    check_fwd("memcpy fwd", t + W * ts[2], dx[k], want[k], 1e-12);
    e[k] = 0;
  }
  return failures != 0;
}
