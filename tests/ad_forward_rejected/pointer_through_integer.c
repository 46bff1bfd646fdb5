/* A pointer into active memory rebuilt from an integer: the shadow cannot follow, so
   forward mode must refuse (exit 1, naming the inttoptr) rather than return 3 instead of 7. */
#include <stdint.h>
extern int enzyme_dup;
extern double __enzyme_fwddiff(void *, ...);
double f(double *x) { uintptr_t a = (uintptr_t)x; double *y = (double *)(a + 8); return y[0] * x[0]; }
int main(void) { double x[2] = {3, 4}, dx[2] = {1, 1}; return (int)__enzyme_fwddiff((void *)f, enzyme_dup, x, dx); }
