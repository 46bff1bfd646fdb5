/* A linked list built on the heap inside the differentiated function: nodes malloc'd
   and pushed to the front holding v_i = x_i^2, traversed through next pointers
   (s = sum_(i>=1) v_i v_(i-1) + v_0) and freed; the node shadows must be allocated,
   linked and freed by the derivative too. */
#include "check.h"

struct node {
  double v;
  struct node *next;
};

double listsum(const double *x, int n) {
  struct node *head = 0;
  for (int i = 0; i < n; i++) {
    struct node *nd = malloc(sizeof *nd);
    nd->v = x[i] * x[i];
    nd->next = head;
    head = nd;
  }
  double s = 0;
  while (head) {
    struct node *nd = head;
    s += nd->v * (nd->next ? nd->next->v : 1.0);
    head = nd->next;
    free(nd);
  }
  return s;
}

#define N 6
static double fd_list(const double *p) { return listsum(p, N); }

int main(void) {
  double x[N] = {0.9, -0.6, 1.2, 0.4, -1.1, 0.75}, dx[N] = {0}, want[N];
  for (int k = 0; k < N; k++) {
    double nb = (k == 0 ? 1.0 : x[k - 1] * x[k - 1]) + (k < N - 1 ? x[k + 1] * x[k + 1] : 0);
    want[k] = 2 * x[k] * nb;
  }
  __enzyme_autodiff_v((void *)listsum, x, dx, N);
  check_grad("listsum", fd_list, x, N, dx, want);
  double e[N] = {0};
  for (int k = 0; k < N; k++) {
    e[k] = 1;
    check_fwd("listsum fwd", __enzyme_fwddiff((void *)listsum, x, e, N), dx[k], want[k], 1e-12);
    e[k] = 0;
  }
  return failures != 0;
}
