/* Structs by value inside the differentiated code: a two-double struct passed and
   returned in registers (rot), a three-double struct passed in memory (byval) to
   dot3 and returned through sret from cross (noinline, so the calls stay). */
#include "check.h"

struct vec2 { double x, y; };
struct vec3 { double x, y, z; };

__attribute__((noinline)) struct vec2 rot(struct vec2 v, double t) {
  struct vec2 r = {v.x * cos(t) - v.y * sin(t), v.x * sin(t) + v.y * cos(t)};
  return r;
}

__attribute__((noinline)) double dot3(struct vec3 a, struct vec3 b) {
  return a.x * b.x + a.y * b.y + a.z * b.z;
}

__attribute__((noinline)) struct vec3 cross(struct vec3 a, struct vec3 b) {
  struct vec3 c = {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
  return c;
}

double use_rot(double a, double t) {
  struct vec2 v = {a, 2 * a};
  struct vec2 r = rot(v, t);
  return r.x * r.y;
}

double use_vec3(double s, double u) {
  struct vec3 a = {s, 2 * s, u}, b = {1.0, u, s * s};
  struct vec3 c = cross(a, b);
  return dot3(c, c) + dot3(a, b);
}

static double fd_rot(const double *p) { return use_rot(p[0], p[1]); }
static double fd_vec3(const double *p) { return use_vec3(p[0], p[1]); }

int main(void) {
  double a = 0.7, t = 0.4, c = cos(t), s = sin(t);
  /* r = a (c - 2s, s + 2c): r.x r.y = a^2 k */
  double k = (c - 2 * s) * (s + 2 * c);
  double dk = (-s - 2 * c) * (s + 2 * c) + (c - 2 * s) * (c - 2 * s);
  grad2 d = __enzyme_autodiff2((void *)use_rot, a, t);
  double p[2] = {a, t}, got[2] = {d.dx, d.dy}, want[2] = {2 * a * k, a * a * dk};
  check_grad("use_rot", fd_rot, p, 2, got, want);
  check_fwd("use_rot fwd a", __enzyme_fwddiff((void *)use_rot, a, 1.0, t, 0.0), d.dx, want[0],
            1e-12);
  check_fwd("use_rot fwd t", __enzyme_fwddiff((void *)use_rot, a, 0.0, t, 1.0), d.dy, want[1],
            1e-12);

  /* a = (s, 2s, u), b = (1, u, s^2): |a x b|^2 + a.b with a x b =
     (2s^3 - u^2, u - s^3, s u - 2s); by hand */
  double S = 0.6, U = -0.8;
  double c0 = 2 * S * S * S - U * U, c1 = U - S * S * S, c2 = S * U - 2 * S;
  double wv[2] = {2 * c0 * 6 * S * S + 2 * c1 * (-3 * S * S) + 2 * c2 * (U - 2)
                      + 1 + 2 * U + 2 * S * U,
                  2 * c0 * (-2 * U) + 2 * c1 + 2 * c2 * S + 2 * S + S * S};
  grad2 dv = __enzyme_autodiff2((void *)use_vec3, S, U);
  double pv[2] = {S, U}, gv[2] = {dv.dx, dv.dy};
  check_grad("use_vec3", fd_vec3, pv, 2, gv, wv);
  check_fwd("use_vec3 fwd s", __enzyme_fwddiff((void *)use_vec3, S, 1.0, U, 0.0), dv.dx, wv[0],
            1e-12);
  check_fwd("use_vec3 fwd u", __enzyme_fwddiff((void *)use_vec3, S, 0.0, U, 1.0), dv.dy, wv[1],
            1e-12);
  return failures != 0;
}
