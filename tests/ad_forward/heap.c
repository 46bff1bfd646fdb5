/* Heap memory: malloc, calloc, realloc, free, with shadows allocated, zeroed, grown and
   freed alongside. */
#include <stdlib.h>
#include "check.h"

double grow(double x, int n) {
  double *a = malloc(2 * sizeof(double));
  a[0] = x;
  a[1] = x * x;
  a = realloc(a, n * sizeof(double));
  for (int i = 2; i < n; i++) a[i] = a[i - 1] * a[i - 2];
  double r = a[n - 1];
  free(a);
  return r;
}
double zeros(double x, int n) {
  double *a = calloc(n, sizeof(double));
  a[n / 2] = x * 3;
  double s = 0;
  for (int i = 0; i < n; i++) s += a[i] * a[i] + a[i];
  free(a);
  return s;
}
struct node { double v; struct node *next; };
double list(double x) {
  struct node *head = 0;
  for (int i = 0; i < 4; i++) {
    struct node *n = malloc(sizeof *n);
    n->v = x * (i + 1);
    n->next = head;
    head = n;
  }
  double s = 0;
  while (head) {
    struct node *n = head;
    s += n->v * n->v;
    head = n->next;
    free(n);
  }
  return s;
}
/* a variable-length array: `alloca double, i64 %n`, its shadow n zeroed doubles */
double vla(double x, int n) {
  double a[n];
  a[0] = x;
  for (int i = 1; i < n; i++) a[i] = a[i - 1] * x;
  double s = 0;
  for (int i = 0; i < n; i++) s += a[i];
  return s;
}

int main(void) {
  /* a = x, x^2, x^3, x^5, x^8 */
  double x = 1.1;
  check("realloc", __enzyme_fwddiff((void *)grow, x, 1.0, enzyme_const, 5), 8 * pow(x, 7),
        1e-12);
  check("calloc", __enzyme_fwddiff((void *)zeros, x, 1.0, enzyme_const, 5), 18 * x + 3, 1e-12);
  check("list", __enzyme_fwddiff((void *)list, x, 1.0), 2 * x * 30, 1e-12);
  /* x + x^2 + x^3 + x^4 */
  check("vla", __enzyme_fwddiff((void *)vla, x, 1.0, enzyme_const, 4),
        1 + 2 * x + 3 * x * x + 4 * x * x * x, 1e-12);
  return failures != 0;
}
