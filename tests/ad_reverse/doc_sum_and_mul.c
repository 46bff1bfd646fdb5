/* Enzyme's "Calling Convention" page: sumAndMul(array, size, mul) with a duplicated
   array (its gradient accumulated into d_array), an inactive size and an output
   argument mul whose derivative is the result; written with the markers the page
   defines (`int enzyme_dup; int enzyme_out; int enzyme_const;`), then relying on the
   default classification (pointer duplicated, integer inactive, double active), then
   the page's sumSquare with a zero-initialised shadow, and a second call showing that
   gradients are added to the shadow, not stored. */
#define CHECK_OWN_PROTOTYPES
#include <stddef.h>
#include "check.h"

int enzyme_dup;
int enzyme_out;
int enzyme_const;
double __enzyme_autodiff(void *, ...);
double __enzyme_fwddiff(void *, ...);

double sumAndMul(double *array, size_t size, double mul) {
  double sum = 0;
  for (int i = 0; i < size; i++) {
    sum += array[i];
  }
  return sum * mul;
}

double sumSquare(double *array) {
  double sum = 0;
  for (int i = 0; i < 10; i++) sum += array[i] * array[i];
  return sum;
}

static double fd_sam(const double *p) {
  double a[10];
  memcpy(a, p, sizeof a);
  return sumAndMul(a, 10, p[10]);
}
static double fd_ssq(const double *p) {
  double a[10];
  memcpy(a, p, sizeof a);
  return sumSquare(a);
}

int main(void) {
  double array[10], d_array[10] = {0.0}, d_array2[10] = {0.0};
  size_t size = 10;
  double mul = 1.75, sum = 0;
  for (int i = 0; i < 10; i++) {
    array[i] = 0.3 * i - 1.1;
    sum += array[i];
  }
  double d_mul = __enzyme_autodiff(sumAndMul,
                                   enzyme_dup, array, d_array,
                                   enzyme_const, size,
                                   enzyme_out, mul);
  double got[11], want[11], p[11];
  for (int i = 0; i < 10; i++) {
    got[i] = d_array[i];
    want[i] = mul;
    p[i] = array[i];
  }
  got[10] = d_mul, want[10] = sum, p[10] = mul;
  check_grad("sumAndMul", fd_sam, p, 11, got, want);

  /* default activity: the same results */
  check("default d_mul", __enzyme_autodiff((void *)sumAndMul, array, d_array2, size, mul), sum,
        1e-12);
  for (int i = 0; i < 10; i++) check("default d_array", d_array2[i], mul, 1e-12);
  /* the shadow is incremented: a second call doubles it */
  __enzyme_autodiff((void *)sumAndMul, enzyme_dup, array, d_array, enzyme_const, size,
                    enzyme_out, mul);
  for (int i = 0; i < 10; i++) check("accumulated d_array", d_array[i], 2 * mul, 1e-12);

  double e[10] = {0};
  for (int i = 0; i < 10; i++) {
    e[i] = 1;
    check_fwd("sumAndMul fwd", __enzyme_fwddiff((void *)sumAndMul, enzyme_dup, array, e,
                                                enzyme_const, size, mul, 0.0),
              got[i], want[i], 1e-12);
    e[i] = 0;
  }
  check_fwd("sumAndMul fwd mul", __enzyme_fwddiff((void *)sumAndMul, enzyme_dup, array, e,
                                                  enzyme_const, size, mul, 1.0),
            d_mul, sum, 1e-12);

  double d_sq[10] = {0.0};
  __enzyme_autodiff((void *)sumSquare, enzyme_dup, array, d_sq);
  printf("d(output)/darray[0] = %f\n", d_sq[0]);
  for (int i = 0; i < 10; i++) want[i] = 2 * array[i];
  check_grad("sumSquare", fd_ssq, p, 10, d_sq, want);
  return failures != 0;
}
