/* C driver for the array routines of fortarr.f90: each is wrapped in a C loss of one
   parameter vector p, differentiated across the languages (reverse mode, forward mode
   along each unit vector) and by central differences. Lines: MODE NAME INDEX VALUE. */
#include <stdio.h>
#include <string.h>

extern double __enzyme_autodiff(void *, ...);
extern double __enzyme_fwddiff(void *, ...);

void faxpb(const double *a, const double *x, const double *b, double *y, int n);
double fsq(const double *x, int n);
double fdot(const double *x, const double *w, int n);

#define N 4
#define MAXP (2 * N + 1)
static const double P[MAXP] = {0.5, 1.5, -0.7, 2.0, 1.1, -0.3, 0.8, 1.7, -1.2};
static const double W[N] = {1.0, 2.0, 3.0, 4.0};
static const double H = 1e-6;

/* p = (a, x[N], b[N]): W . (a x + b) */
static double l_faxpb(const double *p) {
    double y[N], s = 0;
    faxpb(&p[0], p + 1, p + 1 + N, y, N);
    for (int i = 0; i < N; i++) s += W[i] * y[i];
    return s;
}
static double l_fsq(const double *p) { return fsq(p, N); }
/* p = (x[N], w[N]) */
static double l_fdot(const double *p) { return fdot(p, p + N, N); }

#define CHECK(f, n)                                                             \
    {                                                                           \
        double p[MAXP], d[MAXP] = {0}, t[MAXP];                                 \
        for (int i = 0; i < n; i++) {                                           \
            double pp[MAXP], pm[MAXP];                                          \
            memcpy(pp, P, sizeof pp); memcpy(pm, P, sizeof pm);                 \
            pp[i] += H; pm[i] -= H;                                             \
            printf("fd " #f " %d %.17g\n", i, (l_##f(pp) - l_##f(pm)) / (2 * H)); \
        }                                                                       \
        memcpy(p, P, sizeof p);                                                 \
        __enzyme_autodiff((void *)l_##f, p, d);                                 \
        for (int i = 0; i < n; i++) printf("rev " #f " %d %.17g\n", i, d[i]);   \
        for (int i = 0; i < n; i++) {                                           \
            memset(t, 0, sizeof t);                                             \
            t[i] = 1.0;                                                         \
            printf("fwd " #f " %d %.17g\n", i, __enzyme_fwddiff((void *)l_##f, p, t)); \
        }                                                                       \
    }

int main(void) {
    CHECK(faxpb, 2 * N + 1)
    CHECK(fsq, N)
    CHECK(fdot, 2 * N)
    return 0;
}
