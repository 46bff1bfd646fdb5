/* Shared driver of the benchmark kernels: deterministic inputs, in-process timing of the
   primal and of its gradient, a finite-difference check, one JSON line on stdout.

   A kernel fills a `bench` (its active inputs as one flat array `x`, the gradient buffer
   `g` with the same layout, a primal that evaluates the objective at `x`, a gradient that
   zeroes `g` and calls __enzyme_autodiff) and calls bench_main().

   Timing: CLOCK_MONOTONIC around `reps` back-to-back calls, `reps` doubled until one
   measurement lasts BENCH_MIN_TIME seconds (default 0.02); after that calibration (the
   warm-up) BENCH_SAMPLES measurements (default 15) of the primal and of the gradient,
   interleaved so that both see the same machine load, each reported as the median per
   call. The process CPU time of the same measurements is reported too (steadier on a
   shared machine).

   Check: the gradient against a central finite difference (fourth order, five points,
   h a power of two near 2^-10 |x_i|) on BENCH_CHECKS coordinates (default 8) picked by a
   fixed pseudo-random sequence; relative error |g - fd| / max(|g|, |fd|, 1e-6 (|f| + 1)),
   the floor keeping a coordinate whose derivative is nearly zero from reading as a large
   relative error of two rounding errors. The check passes at <= BENCH_TOL (1e-5).

   -DBENCH_PRIMAL_ONLY builds the primal alone (no __enzyme_* call): plain clang can
   compile it, and it reports the primal timing only. */
#ifndef BENCH_HARNESS_H
#define BENCH_HARNESS_H

#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#ifndef BENCH_PRIMAL_ONLY
extern int enzyme_dup, enzyme_const, enzyme_out, enzyme_dupnoneed;
extern void __enzyme_autodiff(void *, ...);
#endif

#define BENCH_MAYBE_UNUSED __attribute__((unused)) /* some are unused with BENCH_PRIMAL_ONLY */

typedef struct bench {
  const char *name;
  long n;                  /* number of active inputs */
  double *x;               /* the active inputs, one flat array */
  double *g;               /* their gradient, same layout */
  double (*primal)(void);  /* the objective at x */
  void (*gradient)(void);  /* zero g, then g = d objective / dx */
} bench;

/* ---- deterministic inputs (splitmix64) ---- */

static uint64_t bench_rng_state = 0x9e3779b97f4a7c15ull;

static void bench_seed(uint64_t s) { bench_rng_state = s * 0x2545f4914f6cdd1dull + 1; }

static uint64_t bench_next(void) {
  uint64_t z = (bench_rng_state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* uniform in [lo, hi) */
static double bench_uniform(double lo, double hi) {
  return lo + (hi - lo) * ((double)(bench_next() >> 11) * (1.0 / 9007199254740992.0));
}

/* standard normal (Box-Muller) */
static BENCH_MAYBE_UNUSED double bench_normal(void) {
  double u = bench_uniform(1e-12, 1.0), v = bench_uniform(0.0, 1.0);
  return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

static BENCH_MAYBE_UNUSED void *bench_alloc(size_t bytes) {
  void *p = calloc(1, bytes ? bytes : 1);
  if (!p) {
    fprintf(stderr, "out of memory (%zu bytes)\n", bytes);
    exit(2);
  }
  return p;
}

/* ---- timing ---- */

static double bench_clock(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static volatile double bench_sink;
static bench *bench_cur;

static void bench_call_primal(void) { bench_sink = bench_cur->primal(); }
static BENCH_MAYBE_UNUSED void bench_call_gradient(void) {
  bench_cur->gradient();
  bench_sink = bench_cur->g[0];
}

static double bench_env(const char *name, double dflt) {
  const char *v = getenv(name);
  return v && *v ? atof(v) : dflt;
}

static int bench_cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

typedef struct bench_timing {
  double wall, cpu; /* median seconds per call */
  long reps;        /* calls per measurement */
  int samples;
  double walls[1000], cpus[1000];
} bench_timing;

/* calls per measurement: doubled (or scaled) until one measurement lasts BENCH_MIN_TIME;
   this is also the warm-up */
static void bench_calibrate(void (*fn)(void), bench_timing *t) {
  double min_time = bench_env("BENCH_MIN_TIME", 0.02);
  long reps = 1;
  for (;;) {
    double t0 = bench_clock(CLOCK_MONOTONIC);
    for (long r = 0; r < reps; r++) fn();
    double el = bench_clock(CLOCK_MONOTONIC) - t0;
    if (el >= min_time) break;
    reps *= el > 0 && min_time / el < 2.0 ? 2 : (el > 0 ? (long)(min_time / el) + 1 : 2);
  }
  t->reps = reps;
  t->samples = 0;
}

static void bench_sample(void (*fn)(void), bench_timing *t) {
  double c0 = bench_clock(CLOCK_PROCESS_CPUTIME_ID), t0 = bench_clock(CLOCK_MONOTONIC);
  for (long r = 0; r < t->reps; r++) fn();
  t->walls[t->samples] = (bench_clock(CLOCK_MONOTONIC) - t0) / (double)t->reps;
  t->cpus[t->samples] = (bench_clock(CLOCK_PROCESS_CPUTIME_ID) - c0) / (double)t->reps;
  t->samples++;
}

static double bench_median(double *v, int n) {
  qsort(v, (size_t)n, sizeof(double), bench_cmp);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static int bench_samples(void) {
  int samples = (int)bench_env("BENCH_SAMPLES", 15);
  return samples < 1 ? 1 : (samples > 1000 ? 1000 : samples);
}

/* the medians of BENCH_SAMPLES measurements of each function, the measurements of the two
   interleaved (a, b, a, b, ...) so that both see the same load on a shared machine */
static void bench_measure(void (*fa)(void), bench_timing *ta, void (*fb)(void), bench_timing *tb) {
  int samples = bench_samples();
  bench_calibrate(fa, ta);
  if (fb) bench_calibrate(fb, tb);
  for (int s = 0; s < samples; s++) {
    bench_sample(fa, ta);
    if (fb) bench_sample(fb, tb);
  }
  ta->wall = bench_median(ta->walls, samples);
  ta->cpu = bench_median(ta->cpus, samples);
  if (fb) {
    tb->wall = bench_median(tb->walls, samples);
    tb->cpu = bench_median(tb->cpus, samples);
  }
}

/* ---- finite-difference check ---- */

static BENCH_MAYBE_UNUSED double bench_fd(bench *b, long i) {
  double xi = b->x[i], a = fabs(xi) > 1.0 ? fabs(xi) : 1.0;
  double h = ldexp(1.0, ilogb(a) - 10);
  b->x[i] = xi + 2 * h;
  double f2 = b->primal();
  b->x[i] = xi + h;
  double f1 = b->primal();
  b->x[i] = xi - h;
  double fm1 = b->primal();
  b->x[i] = xi - 2 * h;
  double fm2 = b->primal();
  b->x[i] = xi;
  return (-f2 + 8.0 * f1 - 8.0 * fm1 + fm2) / (12.0 * h);
}

static void bench_json_number(const char *key, double v) {
  if (isfinite(v))
    printf(", \"%s\": %.6g", key, v);
  else
    printf(", \"%s\": null", key);
}

static bench_timing bench_tp, bench_tg;

static int bench_main(bench *b) {
  bench_cur = b;
  double f = b->primal();
#ifdef BENCH_PRIMAL_ONLY
  bench_measure(bench_call_primal, &bench_tp, NULL, NULL);
#else
  b->gradient();
  double *g = (double *)bench_alloc(sizeof(double) * (size_t)b->n);
  memcpy(g, b->g, sizeof(double) * (size_t)b->n);
  double f_after = b->primal(); /* the gradient must leave the inputs as they were */
  bench_measure(bench_call_primal, &bench_tp, bench_call_gradient, &bench_tg);
#endif
  bench_timing tp = bench_tp;
  printf("{\"kernel\": \"%s\", \"n\": %ld", b->name, b->n);
  bench_json_number("f", f);
  bench_json_number("primal_s", tp.wall);
  bench_json_number("primal_cpu_s", tp.cpu);
  printf(", \"primal_reps\": %ld", tp.reps);
  /* one full central-difference gradient costs 2n evaluations */
  bench_json_number("fd_s", 2.0 * (double)b->n * tp.wall);
#ifdef BENCH_PRIMAL_ONLY
  printf(", \"primal_only\": true}\n");
  return 0;
#else
  bench_timing tg = bench_tg;
  int checks = (int)bench_env("BENCH_CHECKS", 8);
  double tol = bench_env("BENCH_TOL", 1e-5), floor_ = 1e-6 * (fabs(f) + 1.0), worst = 0.0;
  long worst_i = -1;
  int finite = 1;
  bench_seed(12345);
  printf(", \"checks\": [");
  for (int c = 0; c < checks && c < b->n; c++) {
    long i = c == 0 ? 0 : (c == 1 ? b->n - 1 : (long)(bench_next() % (uint64_t)b->n));
    double fd = bench_fd(b, i), ad = g[i];
    double den = fmax(fmax(fabs(ad), fabs(fd)), floor_);
    double rel = fabs(ad - fd) / den;
    if (!isfinite(ad) || !isfinite(rel)) finite = 0, rel = INFINITY;
    if (rel > worst || worst_i < 0) worst = rel, worst_i = i;
    printf("%s[%ld, %.10g, %.10g]", c ? ", " : "", i, ad, fd);
  }
  printf("]");
  int ok = finite && worst <= tol && f_after == f;
  bench_json_number("grad_s", tg.wall);
  bench_json_number("grad_cpu_s", tg.cpu);
  printf(", \"grad_reps\": %ld", tg.reps);
  bench_json_number("ratio", tg.wall / tp.wall);
  bench_json_number("ratio_cpu", tg.cpu / tp.cpu);
  bench_json_number("max_rel_err", worst);
  printf(", \"worst_index\": %ld, \"inputs_unchanged\": %s, \"ok\": %s}\n", worst_i,
         f_after == f ? "true" : "false", ok ? "true" : "false");
  free(g);
  return ok ? 0 : 3;
#endif
}

#endif
