/* Structs by value: passed in registers ({double, double} split), by byval pointer
   (three doubles), returned in registers, and extractvalue/insertvalue at -O2. */
#include "check.h"

struct pair { double a, b; };
struct trip { double x, y, z; };
extern struct pair __enzyme_fwddiff_pair(void *, ...);

__attribute__((noinline)) struct pair rot(struct pair p, double t) {
  struct pair r = {p.a * cos(t) - p.b * sin(t), p.a * sin(t) + p.b * cos(t)};
  return r;
}
double use_rot(double a, double t) {
  struct pair p = {a, 2 * a};
  struct pair r = rot(p, t);
  return r.a * r.b;
}
double dot3(struct trip u, struct trip v) { return u.x * v.x + u.y * v.y + u.z * v.z; }
double pass_trip(double s) {
  struct trip u = {s, 2 * s, 3}, v = {1, s, s * s};
  return dot3(u, v);
}
struct pair swap_scale(double a, double b) {
  struct pair r = {b * 3, a * a};
  return r;
}

int main(void) {
  double a = 0.7, t = 0.4, c = cos(t), s = sin(t);
  /* r = a (c - 2s, s + 2c): r.a r.b = a^2 k, k = (c - 2s)(s + 2c) */
  double k = (c - 2 * s) * (s + 2 * c);
  double dk = (-s - 2 * c) * (s + 2 * c) + (c - 2 * s) * (c - 2 * s);
  check("rot da", __enzyme_fwddiff((void *)use_rot, a, 1.0, t, 0.0), 2 * a * k, 1e-12);
  check("rot dt", __enzyme_fwddiff((void *)use_rot, a, 0.0, t, 1.0), a * a * dk, 1e-12);
  /* s + 2 s^2 + 3 s^2 */
  check("dot3", __enzyme_fwddiff((void *)pass_trip, 0.6, 1.0), 1 + 10 * 0.6, 1e-12);
  struct pair d = __enzyme_fwddiff_pair((void *)swap_scale, 0.5, 1.0, 2.0, 1.0);
  check("pair.a", d.a, 3, 1e-12);
  check("pair.b", d.b, 1.0, 1e-12);
  return failures != 0;
}
