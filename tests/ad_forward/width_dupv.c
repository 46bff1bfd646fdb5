/* Vector forward mode with strided shadows: `enzyme_dupv, STRIDE, primal, base` gives an
   argument its N shadows at base + k * STRIDE bytes (k = 0..N-1), Enzyme's order (marker,
   stride in bytes, primal, shadow base). Shadows interleaved in one array of structs, a
   padded seed matrix, a stride known only at run time, dupnoneedv, and dupv mixed with
   plain per-lane shadows; checked against hand-derived values and central differences. */
#include "check.h"

extern int enzyme_width, enzyme_dupv, enzyme_dupnoneedv;
struct d2 { double a, b; };
struct d3 { double v[3]; };
extern struct d2 __enzyme_fwddiff_d2(void *, ...);
extern struct d3 __enzyme_fwddiff_d3(void *, ...);
extern void __enzyme_fwddiff_void(void *, ...);

/* scalar result: sum (i+1) x_i^2 + x_0 x_2 */
double weighted(const double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += (i + 1) * x[i] * x[i];
  return s + x[0] * x[2];
}

/* pointer in, pointer out: y_i = sin(x_i) * x_{(i+1) % n} */
__attribute__((noinline)) void map(const double *x, double *y, int n) {
  for (int i = 0; i < n; i++) y[i] = sin(x[i]) * x[(i + 1) % n];
}

/* through a called function, a scalar tangent per lane as well */
double total(const double *x, double *y, double k, int n) {
  map(x, y, n);
  double s = 0;
  for (int i = 0; i < n; i++) s += k * y[i];
  return s;
}

static void map_ref(const double *x, double *y, int n) {
  for (int i = 0; i < n; i++) y[i] = sin(x[i]) * x[(i + 1) % n];
}

/* lane k of x and y interleaved: the x tangents then the y tangents, then padding */
struct lane { double dx[3]; double dy[3]; int tag; };

static volatile long runtime_stride = 4 * sizeof(double);

int main(void) {
  double x[3] = {0.4, -1.1, 0.9};
  /* 1. scalar result, width 3: the gradient from the identity seeds, rows padded to 4 */
  double seed[3][4] = {{1, 0, 0, -7}, {0, 1, 0, -7}, {0, 0, 1, -7}};
  struct d3 g = __enzyme_fwddiff_d3((void *)weighted, enzyme_width, 3,
                                    enzyme_dupv, sizeof(seed[0]), x, &seed[0][0], 3);
  check("weighted d0", g.v[0], 2 * x[0] + x[2], 1e-12);
  check("weighted d1", g.v[1], 4 * x[1], 1e-12);
  check("weighted d2", g.v[2], 6 * x[2] + x[0], 1e-12);
  /* the same with the stride a run-time value (read from a volatile at run time) */
  struct d3 h = __enzyme_fwddiff_d3((void *)weighted, enzyme_width, 3,
                                    enzyme_dupv, runtime_stride, x, &seed[0][0], 3);
  for (int k = 0; k < 3; k++) check("weighted runtime stride", h.v[k], g.v[k], 1e-15);

  /* 2. pointer in, pointer out, width 2: the shadows of both arguments interleaved in
     one array of structs, one stride for both */
  struct lane L[2] = {{{1, 0, 0}, {9, 9, 9}, 11}, {{0, 0.5, -2}, {9, 9, 9}, 22}};
  double y[3];
  __enzyme_fwddiff_void((void *)map, enzyme_width, 2,
                        enzyme_dupv, sizeof(struct lane), x, L[0].dx,
                        enzyme_dupv, sizeof(struct lane), y, L[0].dy, 3);
  for (int i = 0; i < 3; i++) {
    int j = (i + 1) % 3;
    check("map y", y[i], sin(x[i]) * x[j], 1e-15);
    for (int k = 0; k < 2; k++) {
      double want = cos(x[i]) * L[k].dx[i] * x[j] + sin(x[i]) * L[k].dx[j];
      check("map lane", L[k].dy[i], want, 1e-12);
      /* central differences along lane k's direction */
      double xp[3], xm[3], yp[3], ym[3], e = 1e-6;
      for (int m = 0; m < 3; m++) {
        xp[m] = x[m] + e * L[k].dx[m];
        xm[m] = x[m] - e * L[k].dx[m];
      }
      map_ref(xp, yp, 3);
      map_ref(xm, ym, 3);
      check("map lane vs finite differences", L[k].dy[i], (yp[i] - ym[i]) / (2 * e), 1e-7);
    }
  }
  check("map leaves the padding alone", L[0].tag + L[1].tag, 33, 0);

  /* 3. dupnoneedv for the output, dupv for the input, a scalar with a tangent per lane,
     through a differentiated call */
  double dx[2][4] = {{1, 1, 1, 0}, {0, 0, 0, 0}}; /* lane 1 moves k only */
  double dy[2][3];
  double k = 1.5;
  struct d2 t = __enzyme_fwddiff_d2((void *)total, enzyme_width, 2,
                                    enzyme_dupv, sizeof(dx[0]), x, &dx[0][0],
                                    enzyme_dupnoneedv, sizeof(dy[0]), y, &dy[0][0],
                                    k, 0.0, 1.0, 3);
  double want0 = 0, want1 = 0;
  for (int i = 0; i < 3; i++) {
    int j = (i + 1) % 3;
    double dyi = cos(x[i]) * x[j] + sin(x[i]);
    check("total dy lane 0", dy[0][i], dyi, 1e-12);
    check("total dy lane 1", dy[1][i], 0, 0);
    want0 += k * dyi;
    want1 += sin(x[i]) * x[j];
  }
  check("total lane 0", t.a, want0, 1e-12);
  check("total lane 1", t.b, want1, 1e-12);
  return failures != 0;
}
