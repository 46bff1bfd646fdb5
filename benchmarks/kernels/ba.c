/* Bundle adjustment, ADBench's formulation, reduced to one scalar objective.

   A camera has 11 parameters: a Rodrigues rotation vector r (3), its centre c (3), the
   focal length f, the principal point x0 (2) and two radial distortion coefficients
   k1, k2. Observation j sees point X of camera cam at feature u with weight w:

     Y = R(r) (X - c);  p = Y[0..2) / Y[2];  p *= 1 + k1 |p|^2 + k2 |p|^4
     reprojection error e_j = w (f p + x0 - u),  weight error e'_j = 1 - w^2

   R(r) Z = Z cos t + (v x Z) sin t + v (v . Z)(1 - cos t), t = |r|, v = r / t, and
   Z + r x Z for t = 0. The objective is sum_j |e_j|^2 + e'_j^2; its gradient is taken with
   respect to every camera, point and weight. */
#include "harness.h"

#ifndef BA_CAMS
#define BA_CAMS 20
#endif
#ifndef BA_POINTS
#define BA_POINTS 4000
#endif
#ifndef BA_OBS_PER_POINT
#define BA_OBS_PER_POINT 4
#endif
#define BA_OBS (BA_POINTS * BA_OBS_PER_POINT)

static void rotate(const double *r, const double *z, double *out) {
  double t2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
  if (t2 != 0.0) {
    double t = sqrt(t2), ct = cos(t), st = sin(t);
    double v[3] = {r[0] / t, r[1] / t, r[2] / t};
    double cross[3] = {v[1] * z[2] - v[2] * z[1], v[2] * z[0] - v[0] * z[2], v[0] * z[1] - v[1] * z[0]};
    double along = (v[0] * z[0] + v[1] * z[1] + v[2] * z[2]) * (1.0 - ct);
    for (int i = 0; i < 3; i++) out[i] = z[i] * ct + cross[i] * st + v[i] * along;
  } else {
    out[0] = z[0] + r[1] * z[2] - r[2] * z[1];
    out[1] = z[1] + r[2] * z[0] - r[0] * z[2];
    out[2] = z[2] + r[0] * z[1] - r[1] * z[0];
  }
}

static void project(const double *cam, const double *point, double *proj) {
  double z[3] = {point[0] - cam[3], point[1] - cam[4], point[2] - cam[5]}, y[3];
  rotate(cam, z, y);
  double p0 = y[0] / y[2], p1 = y[1] / y[2];
  double rr = p0 * p0 + p1 * p1, scale = 1.0 + cam[9] * rr + cam[10] * rr * rr;
  proj[0] = cam[6] * p0 * scale + cam[7];
  proj[1] = cam[6] * p1 * scale + cam[8];
}

double ba_objective(int n_obs, const double *cams, const double *points, const double *weights, const int *obs,
                    const double *feats) {
  double total = 0.0;
  for (int j = 0; j < n_obs; j++) {
    double proj[2];
    project(cams + 11 * obs[2 * j], points + 3 * obs[2 * j + 1], proj);
    double w = weights[j];
    double e0 = w * (proj[0] - feats[2 * j]), e1 = w * (proj[1] - feats[2 * j + 1]);
    double ew = 1.0 - w * w;
    total += e0 * e0 + e1 * e1 + ew * ew;
  }
  return total;
}

#define NPARAM (11 * BA_CAMS + 3 * BA_POINTS + BA_OBS)

static double params[NPARAM], grad[NPARAM], feats[2 * BA_OBS];
static int obs[2 * BA_OBS];

static double run_primal(void) {
  return ba_objective(BA_OBS, params, params + 11 * BA_CAMS, params + 11 * BA_CAMS + 3 * BA_POINTS, obs, feats);
}

#ifndef BENCH_PRIMAL_ONLY
static void run_gradient(void) {
  memset(grad, 0, sizeof grad);
  __enzyme_autodiff((void *)ba_objective, enzyme_const, BA_OBS, enzyme_dup, params, grad, enzyme_dup,
                    params + 11 * BA_CAMS, grad + 11 * BA_CAMS, enzyme_dup, params + 11 * BA_CAMS + 3 * BA_POINTS,
                    grad + 11 * BA_CAMS + 3 * BA_POINTS, enzyme_const, obs, enzyme_const, feats);
}
#endif

int main(void) {
  bench_seed(11);
  for (int c = 0; c < BA_CAMS; c++) {
    double *cam = params + 11 * c;
    for (int i = 0; i < 3; i++) cam[i] = bench_uniform(-0.2, 0.2);
    cam[3] = bench_uniform(-1, 1), cam[4] = bench_uniform(-1, 1), cam[5] = bench_uniform(-12, -8);
    cam[6] = bench_uniform(400, 600), cam[7] = bench_uniform(-5, 5), cam[8] = bench_uniform(-5, 5);
    cam[9] = bench_uniform(-1e-2, 1e-2), cam[10] = bench_uniform(-1e-3, 1e-3);
  }
  /* the first camera's rotation is exactly zero: the t = 0 branch is taken too */
  params[0] = params[1] = params[2] = 0.0;
  double *pts = params + 11 * BA_CAMS, *w = pts + 3 * BA_POINTS;
  for (int i = 0; i < 3 * BA_POINTS; i++) pts[i] = bench_uniform(-1, 1);
  for (int j = 0; j < BA_OBS; j++) {
    obs[2 * j] = (int)(bench_next() % BA_CAMS);
    obs[2 * j + 1] = j / BA_OBS_PER_POINT;
    w[j] = bench_uniform(0.8, 1.2);
    double proj[2];
    project(params + 11 * obs[2 * j], pts + 3 * obs[2 * j + 1], proj);
    feats[2 * j] = proj[0] + bench_normal();
    feats[2 * j + 1] = proj[1] + bench_normal();
  }
#ifdef BENCH_PRIMAL_ONLY
  bench b = {"ba", NPARAM, params, grad, run_primal, NULL};
#else
  bench b = {"ba", NPARAM, params, grad, run_primal, run_gradient};
#endif
  return bench_main(&b);
}
