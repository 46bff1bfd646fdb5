/* A small kernel for the quick start: clang-22 -O2 -S -emit-llvm dot.c -o dot.ll */
#include <math.h>

double dot(const double *x, const double *y, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++)
    s += x[i] * y[i];
  return s;
}

double norm(const double *x, int n) { return sqrt(dot(x, x, n)); }
