/* C driver for the Rust functions of rustfns.rs: `enzyme-compat cc --merge` links this
   file and rustc's IR into one module before differentiation. Each block is compiled
   when its macro is defined (REV_f: reverse mode, FWD_f: forward mode); every enabled
   function also prints central finite differences. Lines: MODE NAME INDEX VALUE. */
#include <stdio.h>
#include <stddef.h>
#include <string.h>

extern double __enzyme_autodiff(void *, ...);
extern double __enzyme_fwddiff(void *, ...);
extern int enzyme_dup, enzyme_const;

double rpoly(double);
double rsumsin(const double *, size_t);
double rvec(const double *, size_t);
double riter(const double *, size_t);
double rcap(const double *, size_t);
double rpush(const double *, size_t);
double rzeros(const double *, size_t);

#define N 4
static const double X[N] = {0.5, 1.5, -0.7, 2.0};
static const double S = 1.3, H = 1e-6;

#define SLICE_FD(f)                                                        \
    for (int i = 0; i < N; i++) {                                          \
        double xp[N], xm[N];                                               \
        memcpy(xp, X, sizeof xp); memcpy(xm, X, sizeof xm);                \
        xp[i] += H; xm[i] -= H;                                            \
        printf("fd " #f " %d %.17g\n", i, (f(xp, N) - f(xm, N)) / (2 * H)); \
    }
#define SLICE_REV(f)                                                       \
    {                                                                      \
        double x[N], d[N] = {0};                                           \
        memcpy(x, X, sizeof x);                                            \
        __enzyme_autodiff((void *)f, enzyme_dup, x, d, enzyme_const, (size_t)N); \
        for (int i = 0; i < N; i++) printf("rev " #f " %d %.17g\n", i, d[i]); \
    }
#define SLICE_FWD(f)                                                       \
    for (int i = 0; i < N; i++) {                                          \
        double x[N], t[N] = {0};                                           \
        memcpy(x, X, sizeof x);                                            \
        t[i] = 1.0;                                                        \
        printf("fwd " #f " %d %.17g\n", i, __enzyme_fwddiff((void *)f, enzyme_dup, x, t, \
                                                             enzyme_const, (size_t)N)); \
    }

int main(void) {
    printf("fd rpoly 0 %.17g\n", (rpoly(S + H) - rpoly(S - H)) / (2 * H));
#ifdef REV_rpoly
    printf("rev rpoly 0 %.17g\n", __enzyme_autodiff((void *)rpoly, S));
#endif
#ifdef FWD_rpoly
    printf("fwd rpoly 0 %.17g\n", __enzyme_fwddiff((void *)rpoly, S, 1.0));
#endif
    SLICE_FD(rsumsin)
#ifdef REV_rsumsin
    SLICE_REV(rsumsin)
#endif
#ifdef FWD_rsumsin
    SLICE_FWD(rsumsin)
#endif
    SLICE_FD(rvec)
#ifdef REV_rvec
    SLICE_REV(rvec)
#endif
#ifdef FWD_rvec
    SLICE_FWD(rvec)
#endif
    SLICE_FD(riter)
#ifdef REV_riter
    SLICE_REV(riter)
#endif
#ifdef FWD_riter
    SLICE_FWD(riter)
#endif
    SLICE_FD(rcap)
#ifdef REV_rcap
    SLICE_REV(rcap)
#endif
#ifdef FWD_rcap
    SLICE_FWD(rcap)
#endif
    SLICE_FD(rpush)
#ifdef REV_rpush
    SLICE_REV(rpush)
#endif
#ifdef FWD_rpush
    SLICE_FWD(rpush)
#endif
    SLICE_FD(rzeros)
#ifdef REV_rzeros
    SLICE_REV(rzeros)
#endif
#ifdef FWD_rzeros
    SLICE_FWD(rzeros)
#endif
    return 0;
}
