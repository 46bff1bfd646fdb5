/* Enzyme's "Calling Convention" page, shadow initialisation of a data structure: a
   linked list on the heap built with mklist, and a shadow list of the same shape with
   zero values built alongside by the caller; __enzyme_autodiff(sumList, list, d_list)
   puts d/d value into each shadow node. sumList(l) = sum of value^2 * (position + 1). */
#include "check.h"

struct List {
  double value;
  struct List *next;
};

struct List *mklist(double value, struct List *next) {
  struct List *l = malloc(sizeof *l);
  l->value = value;
  l->next = next;
  return l;
}

double sumList(struct List *node) {
  double s = 0;
  int k = 1;
  while (node) {
    s += node->value * node->value * k;
    node = node->next;
    k++;
  }
  return s;
}

static void freelist(struct List *l) {
  while (l) {
    struct List *n = l->next;
    free(l);
    l = n;
  }
}

static double fd_list(const double *p) {
  struct List *l = 0;
  for (int i = 0; i < 5; ++i) l = mklist(p[i], l);
  double s = sumList(l);
  freelist(l);
  return s;
}

int main(void) {
  struct List *list = 0;
  struct List *d_list = 0;
  for (int i = 0; i < 5; ++i) {
    list = mklist(0.5 * i - 0.7, list);
    d_list = mklist(0.0, d_list);
  }
  __enzyme_autodiff_v((void *)sumList, list, d_list);
  /* the list holds p[4], p[3], ..., p[0] at positions 1..5 */
  double p[5], got[5], want[5];
  struct List *a = list, *d = d_list;
  for (int k = 1; a; k++, a = a->next, d = d->next) {
    p[5 - k] = a->value;
    got[5 - k] = d->value;
    want[5 - k] = 2 * a->value * k;
  }
  check_grad("sumList", fd_list, p, 5, got, want);
  /* forward: a tangent list with a single 1 */
  for (int j = 0; j < 5; j++) {
    struct List *t = d_list;
    for (int k = 1; t; k++, t = t->next) t->value = (5 - k == j);
    check_fwd("sumList fwd", __enzyme_fwddiff((void *)sumList, list, d_list), got[j], want[j],
              1e-12);
  }
  freelist(list);
  freelist(d_list);
  return failures != 0;
}
