/* Shared by the libm/intrinsic test programs: wrappers with bodies around C math
   functions (double, or float with SUFFIX f) and checks of their tangents against the
   hand-derived derivative, evaluated in double. A program defines TYPE, SUFFIX and TOL,
   then includes this header and one or more of the libm_*.inc case lists. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* exp10 */
#endif
#include "check.h"

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define F(name) CAT(name, SUFFIX)
#define PI 3.14159265358979323846

#define WRAP1(name) TYPE w_##name(TYPE x) { return F(name)(x); }
#define WRAP2(name) TYPE w_##name(TYPE x, TYPE y) { return F(name)(x, y); }

/* d f(x) / dx at x0 (exactly representable in float) is `d`, an expression in x */
#define CHECK1(name, x0, d)                                                             \
  do {                                                                                 \
    double x = (x0);                                                                   \
    check(#name, __enzyme_fwddiff((void *)w_##name, (TYPE)x, (TYPE)1), (d), TOL);       \
  } while (0)
/* partial derivatives dx, dy of f(x, y) */
#define CHECK2(name, x0, y0, dx, dy)                                                    \
  do {                                                                                 \
    double x = (x0), y = (y0);                                                         \
    check(#name " dx", __enzyme_fwddiff((void *)w_##name, (TYPE)x, (TYPE)1, (TYPE)y,    \
                                        (TYPE)0), (dx), TOL);                          \
    check(#name " dy", __enzyme_fwddiff((void *)w_##name, (TYPE)x, (TYPE)0, (TYPE)y,    \
                                        (TYPE)1), (dy), TOL);                          \
  } while (0)
