/* -O0 local variables for tests/test_mem2reg.py: every function is cloned, its allocas
   promoted, and the program must print the same. `KEEP:` gives the allocas that must stay. */
#include <stdio.h>
#include <stdbool.h>

typedef float v4f __attribute__((vector_size(16)));
typedef int v4i __attribute__((vector_size(16)));

/* KEEP: 0 */
int loop_sum(int n) {
  int s = 0;
  for (int i = 0; i < n; i++)
    s += i * i;
  return s;
}

/* KEEP: 0 */
long nested(int n, int m) {
  long acc = 1;
  for (int i = 0; i < n; i++)
    for (int j = i; j < m; j++) {
      if ((i + j) % 3 == 0)
        continue;
      acc = acc * 31 + i - j;
    }
  return acc;
}

/* KEEP: 0 */
double branches(double x) {
  double y;
  if (x < -1.0)
    y = -x;
  else if (x < 0.0)
    y = x * x;
  else if (x == 0.0)
    y = 42.0;
  else
    y = x + 1.0;
  return y * 2.0;
}

/* KEEP: 0 */
int shared_switch(int k, int v) {
  int r = v;
  switch (k) {
  case 1:
  case 2:
  case 7:
    r += 10;
    break;
  case 3:
    r *= 2;
    /* fall through */
  case 4:
    r -= 1;
    break;
  case 5:
    return -r;
  default:
    r = 0;
  }
  return r;
}

/* KEEP: 0 (cases 1, 2 and 9 share a block that goes straight to the join) */
int switch_edges(int k, int v) {
  int r = v;
  switch (k) {
  case 1:
  case 2:
  case 9:
    break;
  case 3:
    r = 7;
    break;
  default:
    r = -v;
  }
  return r;
}

/* KEEP: 0 */
int find_first(const int *a, int n, int key) {
  for (int i = 0; i < n; i++) {
    if (a[i] == key)
      return i;
  }
  return -1;
}

/* KEEP: 0 */
int collatz(unsigned x) {
  int steps = 0;
  do {
    x = (x & 1) ? 3 * x + 1 : x / 2;
    steps++;
  } while (x != 1 && steps < 1000);
  return steps;
}

/* KEEP: 0 */
int with_goto(int n) {
  int i = 0, s = 0;
again:
  if (i >= n)
    goto done;
  s += i;
  i++;
  if (s > 1000)
    goto done;
  goto again;
done:
  return s;
}

/* KEEP: 0 */
double pointer_locals(double *a, int n) {
  double *p = a, *end = a + n;
  double *best = a;
  while (p < end) {
    if (*p > *best)
      best = p;
    *p *= 0.5;
    p++;
  }
  return *best;
}

/* KEEP: 0 */
v4f vectors(v4f x, v4f y) {
  v4f acc = x;
  v4i mask = {1, 0, 1, 0};
  for (int i = 0; i < 3; i++) {
    acc = acc * y + x;
    mask = mask + 1;
  }
  return acc + (v4f){(float)mask[0], (float)mask[1], 0, 0};
}

/* KEEP: 0 */
int maybe_uninit(int c) {
  int x;
  int never_set;
  int dead = never_set; /* read before any store */
  (void)dead;
  if (c > 0)
    x = c * 3;
  return c > 0 ? x : -1;
}

/* KEEP: 0 */
void bump(int *p) { *p += 100; }

/* KEEP: 1 (k: its address is passed to bump; v is only reached through q, promoted first) */
int escapes(int n) {
  int k = n;
  bump(&k);
  int v = 1;
  int *q = &v;
  *q = k;
  return v;
}

struct pt { double x, y; };

/* KEEP: 2 (the struct and the array) */
double struct_local(double a, double b) {
  struct pt p = {a, b};
  int arr[3] = {1, 2, 3};
  p.x += p.y * arr[1];
  return p.x - p.y;
}

/* KEEP: 0 */
int small_types(short s, signed char c, bool b) {
  short t = s;
  unsigned char u = (unsigned char)c;
  bool flag = b;
  for (int i = 0; i < 3; i++) {
    t = (short)(t * 3 + u);
    flag = !flag;
    u += (unsigned char)flag;
  }
  return t + u + flag;
}

/* KEEP: 0 */
float floats(float f, double d) {
  float acc = f;
  double dd = d;
  for (int i = 0; i < 4; i++) {
    acc = acc * 0.5f + (float)dd;
    dd = dd - acc;
  }
  return acc + (float)dd;
}

/* KEEP: 2 (the arrays; the vectors and loop counters go) */
int main(void) {
  int arr[6] = {4, 8, 15, 16, 23, 42};
  double da[5] = {1.5, -2.0, 7.25, 3.0, 0.5};
  printf("loop_sum %d %d\n", loop_sum(10), loop_sum(0));
  printf("nested %ld\n", nested(7, 9));
  for (int i = -3; i <= 3; i++)
    printf("branches %g\n", branches(i * 0.75));
  for (int k = 0; k <= 8; k++)
    printf("switch %d %d\n", k, shared_switch(k, 5 + k));
  for (int k = 0; k <= 9; k++)
    printf("switch_edges %d %d\n", k, switch_edges(k, 3 * k + 1));
  printf("find_first %d %d\n", find_first(arr, 6, 23), find_first(arr, 6, 5));
  printf("collatz %d %d\n", collatz(27), collatz(1));
  printf("goto %d %d\n", with_goto(10), with_goto(100));
  printf("pointer_locals %g\n", pointer_locals(da, 5));
  v4f x = {1, 2, 3, 4}, y = {0.5f, -1, 2, 0};
  v4f r = vectors(x, y);
  printf("vectors %g %g %g %g\n", r[0], r[1], r[2], r[3]);
  printf("maybe_uninit %d %d\n", maybe_uninit(4), maybe_uninit(-2));
  printf("escapes %d\n", escapes(5));
  printf("struct_local %g\n", struct_local(1.5, 2.0));
  printf("small_types %d %d\n", small_types(7, -3, true), small_types(-300, 100, false));
  printf("floats %.9g\n", floats(1.25f, -0.75));
  return 0;
}
