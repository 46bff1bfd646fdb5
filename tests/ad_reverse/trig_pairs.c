/* sin and cos of one operand, whose derivatives need each other (on Linux the
   differentiator computes both in one sincos call): sin in a loop whose state is
   overwritten every step (the reverse sweep reads cos(q) from the tape), the primal's own
   sin(x) and cos(x) side by side, a cos whose operand is used again, sinf/cosf,
   sinl/cosl, the primal's sin(x), sin(y), cos(x), cos(y) in that order (two sincos
   calls whose results are read in between), and forward mode of the same functions. tests/test_ad_reverse.py also builds
   it with -fno-math-errno, where clang writes llvm.sin/llvm.cos intrinsics instead. */
#include "check.h"

#define N 5
#define STEPS 40

/* a damped chain of pendulums, semi-implicit Euler */
double swing(const double *q0, double k) {
  double q[N], v[N];
  for (int i = 0; i < N; i++) q[i] = q0[i], v[i] = 0.0;
  for (int s = 0; s < STEPS; s++)
    for (int i = 0; i < N; i++) {
      v[i] -= 0.05 * k * sin(q[i]) + 0.01 * v[i];
      q[i] += 0.05 * v[i];
    }
  double out = 0.0;
  for (int i = 0; i < N; i++) out += cos(q[i]) * q[i];
  return out;
}

/* swing's tangent by hand: along dq0 and dk */
static double swing_tangent(const double *q0, double k, const double *dq0, double dk) {
  double q[N], v[N], dq[N], dv[N];
  for (int i = 0; i < N; i++) q[i] = q0[i], v[i] = 0.0, dq[i] = dq0[i], dv[i] = 0.0;
  for (int s = 0; s < STEPS; s++)
    for (int i = 0; i < N; i++) {
      dv[i] -= 0.05 * (dk * sin(q[i]) + k * cos(q[i]) * dq[i]) + 0.01 * dv[i];
      v[i] -= 0.05 * k * sin(q[i]) + 0.01 * v[i];
      dq[i] += 0.05 * dv[i];
      q[i] += 0.05 * v[i];
    }
  double d = 0.0;
  for (int i = 0; i < N; i++) d += (cos(q[i]) - sin(q[i]) * q[i]) * dq[i];
  return d;
}

double polar(double x, double y) {
  double r = x * x + y * y;
  return sin(x) * cos(x) + cos(y) * y + sin(r);
}

double crossed(double x, double y) {
  double a = sin(x), b = sin(y);
  double c = cos(x), d = cos(y);
  return a * d + b * c * c + a * b;
}

float polarf(float x, float y) {
  float r = x * x + y * y;
  return sinf(x) * cosf(x) + cosf(y) * y + sinf(r);
}

double polarl(double x, double y) {
  long double a = x, b = y;
  return (double)(sinl(a) * cosl(b) + cosl(a * b));
}

static double fd_swing(const double *p) { return swing(p, p[N]); }
static double fd_polar(const double *p) { return polar(p[0], p[1]); }
static double fd_crossed(const double *p) { return crossed(p[0], p[1]); }
static double fd_polarf(const double *p) { return polarf((float)p[0], (float)p[1]); }
static double fd_polarl(const double *p) { return polarl(p[0], p[1]); }

int main(void) {
  double p[N + 1] = {0.3, -0.7, 1.1, 0.5, -0.2, 2.5}, dq[N], zero[N] = {0};
  double got[N + 1], want[N + 1];
  clear(dq, N);
  got[N] = __enzyme_autodiff((void *)swing, enzyme_dup, p, dq, p[N]);
  for (int i = 0; i < N; i++) {
    double e[N] = {0};
    e[i] = 1.0;
    got[i] = dq[i];
    want[i] = swing_tangent(p, p[N], e, 0.0);
  }
  want[N] = swing_tangent(p, p[N], zero, 1.0);
  check_grad("swing", fd_swing, p, N + 1, got, want);
  double e2[N] = {0, 0, 1, 0, 0};
  check_fwd("swing fwd q2", __enzyme_fwddiff((void *)swing, p, e2, p[N], 0.0), got[2], want[2], 1e-10);
  check_fwd("swing fwd k", __enzyme_fwddiff((void *)swing, p, zero, p[N], 1.0), got[N], want[N], 1e-10);

  double x = 0.9, y = -0.4, r = x * x + y * y, q[2] = {x, y};
  double wp[2] = {cos(2 * x) + 2 * x * cos(r), cos(y) - y * sin(y) + 2 * y * cos(r)};
  grad2 g = __enzyme_autodiff2((void *)polar, x, y);
  double gp[2] = {g.dx, g.dy};
  check_grad("polar", fd_polar, q, 2, gp, wp);
  check_fwd("polar fwd x", __enzyme_fwddiff((void *)polar, x, 1.0, y, 0.0), gp[0], wp[0], 1e-10);
  check_fwd("polar fwd y", __enzyme_fwddiff((void *)polar, x, 0.0, y, 1.0), gp[1], wp[1], 1e-10);

  {
    double a = sin(x), b = sin(y), c = cos(x), d = cos(y);
    double wc[2] = {c * d - 2 * a * b * c + b * c, -a * b + c * c * d + a * d};
    grad2 gc = __enzyme_autodiff2((void *)crossed, x, y);
    double gcv[2] = {gc.dx, gc.dy};
    check_grad("crossed", fd_crossed, q, 2, gcv, wc);
    check_fwd("crossed fwd x", __enzyme_fwddiff((void *)crossed, x, 1.0, y, 0.0), gcv[0], wc[0], 1e-10);
  }

  float xf = 0.9f, yf = -0.4f;
  /* non-variadic prototypes: a float passed through `...` would become a double */
  extern float __enzyme_autodiff_fx(void *, float, int, float);
  extern float __enzyme_autodiff_fy(void *, int, float, float);
  extern float __enzyme_fwddiff_f(void *, float, float, float, float);
  double X = xf, Y = yf, R = X * X + Y * Y, qf[2] = {X, Y};
  double wf[2] = {cos(2 * X) + 2 * X * cos(R), cos(Y) - Y * sin(Y) + 2 * Y * cos(R)};
  double gf[2] = {__enzyme_autodiff_fx((void *)polarf, xf, enzyme_const, yf),
                  __enzyme_autodiff_fy((void *)polarf, enzyme_const, xf, yf)};
  check_gradf("polarf", fd_polarf, qf, 2, gf, wf);
  check_fwd("polarf fwd y", __enzyme_fwddiff_f((void *)polarf, xf, 0.0f, yf, 1.0f), gf[1], wf[1], 1e-5);

  double wl[2] = {cos(x) * cos(y) - y * sin(x * y), -sin(x) * sin(y) - x * sin(x * y)};
  grad2 gl = __enzyme_autodiff2((void *)polarl, x, y);
  double gpl[2] = {gl.dx, gl.dy};
  check_grad("polarl", fd_polarl, q, 2, gpl, wl);
  check_fwd("polarl fwd x", __enzyme_fwddiff((void *)polarl, x, 1.0, y, 0.0), gpl[0], wl[0], 1e-10);
  return failures != 0;
}
