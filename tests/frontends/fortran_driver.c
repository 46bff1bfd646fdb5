/* C driver for the Fortran routines of fortfns.f90 (scalars by reference), reverse and
   forward mode and central finite differences. Lines: MODE NAME INDEX VALUE; fscale
   reports the derivatives of W . y(x). */
#include <stdio.h>
#include <string.h>

extern double __enzyme_autodiff(void *, ...);
extern double __enzyme_fwddiff(void *, ...);
extern int enzyme_dup, enzyme_const;

double fpoly(const double *);
double fsum(const double *, int);
double fintr(const double *);
void fscale(const double *, double *, int);

#define N 4
static const double X[N] = {0.5, 1.5, -0.7, 2.0};
static const double W[N] = {1.0, 2.0, 3.0, 4.0};
static const double H = 1e-6;

static double wscale(const double *x) {
    double y[N], s = 0;
    fscale(x, y, N);
    for (int i = 0; i < N; i++) s += W[i] * y[i];
    return s;
}

#define SCALAR(f)                                                          \
    {                                                                      \
        double x = 1.3, dx = 0, xp = 1.3 + H, xm = 1.3 - H, one = 1.0;      \
        printf("fd " #f " 0 %.17g\n", (f(&xp) - f(&xm)) / (2 * H));        \
        __enzyme_autodiff((void *)f, &x, &dx);                             \
        printf("rev " #f " 0 %.17g\n", dx);                                \
        printf("fwd " #f " 0 %.17g\n", __enzyme_fwddiff((void *)f, &x, &one)); \
    }

int main(void) {
    SCALAR(fpoly)
    SCALAR(fintr)
    double x[N], d[N] = {0}, y[N], dy[N], t[N];
    for (int i = 0; i < N; i++) {
        double xp[N], xm[N];
        memcpy(xp, X, sizeof xp); memcpy(xm, X, sizeof xm);
        xp[i] += H; xm[i] -= H;
        printf("fd fsum %d %.17g\n", i, (fsum(xp, N) - fsum(xm, N)) / (2 * H));
        printf("fd fscale %d %.17g\n", i, (wscale(xp) - wscale(xm)) / (2 * H));
    }
    memcpy(x, X, sizeof x);
    __enzyme_autodiff((void *)fsum, enzyme_dup, x, d, N);
    for (int i = 0; i < N; i++) printf("rev fsum %d %.17g\n", i, d[i]);
    memset(d, 0, sizeof d);
    memcpy(dy, W, sizeof dy);
    __enzyme_autodiff((void *)fscale, enzyme_dup, x, d, enzyme_dup, y, dy, N);
    for (int i = 0; i < N; i++) printf("rev fscale %d %.17g\n", i, d[i]);
    for (int i = 0; i < N; i++) {
        memset(t, 0, sizeof t);
        t[i] = 1.0;
        printf("fwd fsum %d %.17g\n", i, __enzyme_fwddiff((void *)fsum, enzyme_dup, x, t, N));
        __enzyme_fwddiff((void *)fscale, enzyme_dup, x, t, enzyme_dup, y, dy, N);
        double s = 0;
        for (int k = 0; k < N; k++) s += W[k] * dy[k];
        printf("fwd fscale %d %.17g\n", i, s);
    }
    return 0;
}
