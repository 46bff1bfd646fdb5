/* Atomic read-modify-write and atomic loads/stores of doubles. */
#include "check.h"

double accumulate(double *acc, const double *x, int n) {
  for (int i = 0; i < n; i++) __atomic_fetch_add(acc, x[i] * x[i], __ATOMIC_RELAXED);
  double old = __atomic_fetch_sub(acc, x[0], __ATOMIC_SEQ_CST);
  double v;
  __atomic_load(acc, &v, __ATOMIC_ACQUIRE);
  return v + old;
}
double exchange(double *slot, double x) {
  double prev;
  double nv = x * 3;
  __atomic_exchange(slot, &nv, &prev, __ATOMIC_SEQ_CST);
  __atomic_store(slot, &nv, __ATOMIC_RELEASE);
  return prev * x + *slot;
}

int main(void) {
  double acc = 1, dacc = 0.5, x[3] = {1, 2, 3}, dx[3] = {1, 1, 0};
  /* acc_n = 1 + 14, old = 15, then acc = 14: v + old; d = 2*(1+2) + .5 twice - dx0 */
  double got = __enzyme_fwddiff((void *)accumulate, &acc, &dacc, x, dx, enzyme_const, 3);
  check("accumulate", got, 2 * (6 + 0.5) - 1, 1e-12);
  check("accumulate shadow", dacc, 6 + 0.5 - 1, 1e-12);
  double slot = 2, dslot = 1;
  /* prev = 2 (dprev = 1), slot = 3x: prev x + 3x; d/dx = prev + 3 with dprev*x */
  check("exchange", __enzyme_fwddiff((void *)exchange, &slot, &dslot, 0.5, 1.0),
        1 * 0.5 + 2 + 3, 1e-12);
  return failures != 0;
}
