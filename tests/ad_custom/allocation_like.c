/* __enzyme_allocation_like: a custom allocator (hdr_alloc: malloc with a two-word
   header holding a magic number and the size, the caller getting the memory after the
   header; hdr_free checks the magic and frees the whole block) used for a temporary
   array of doubles inside the differentiated function. The registration gives the
   index of the size argument (0), the deallocation indices ("-1") and the deallocation
   function. The derivative must give the temporary a (zeroed) shadow and release what
   it allocates with hdr_free: freeing a block of hdr_alloc with free(), or passing
   anything else to hdr_free, shows up as a crash or a bad-free count; the gradient
   calls hdr_alloc twice (the temporary and its shadow) and hdr_free twice. */
#include "custom.h"

#define HDR_MAGIC 0xa110ca7edUL

long allocs, frees, live, bad_frees;

__attribute__((noinline)) void *hdr_alloc(size_t bytes) {
  size_t *h = malloc(bytes + 2 * sizeof(size_t));
  h[0] = HDR_MAGIC;
  h[1] = bytes;
  allocs++;
  live++;
  return h + 2;
}

__attribute__((noinline)) void hdr_free(void *p) {
  size_t *h = (size_t *)p - 2;
  if (h[0] != HDR_MAGIC) {
    bad_frees++;
    return;
  }
  h[0] = 0;
  free(h);
  frees++;
  live--;
}

void *__enzyme_allocation_like[4] = {(void *)hdr_alloc, (void *)0, (void *)"-1",
                                     (void *)hdr_free};

/* t_i = x_i sin x_i; s = sum_i t_i t_(i+1 mod n) */
double smooth(const double *x, int n) {
  double *t = hdr_alloc((size_t)n * sizeof(double));
  for (int i = 0; i < n; i++) t[i] = x[i] * sin(x[i]);
  double s = 0;
  for (int i = 0; i < n; i++) s += t[i] * t[(i + 1) % n];
  hdr_free(t);
  return s;
}

#define N 5
static double fd_smooth(const double *p) { return smooth(p, N); }

int main(void) {
  double x[N] = {0.7, -1.2, 0.35, 1.6, -0.45}, dx[N] = {0};
  long a0 = allocs, f0 = frees;
  __enzyme_autodiff_v((void *)smooth, enzyme_dup, x, dx, N);
  long da = allocs - a0, df = frees - f0;
  check_count("hdr_alloc calls during the gradient (the temporary and its shadow)", da, 2);
  check_count("hdr_free calls during the gradient", df, 2);
  check_count("blocks still live", live, 0);
  check_count("allocations == frees", allocs, frees);
  check_count("bad frees", bad_frees, 0);
  double want[N];
  for (int k = 0; k < N; k++) {
    double tp = x[(k + N - 1) % N] * sin(x[(k + N - 1) % N]);
    double tn = x[(k + 1) % N] * sin(x[(k + 1) % N]);
    want[k] = (sin(x[k]) + x[k] * cos(x[k])) * (tp + tn);
  }
  check_grad("smooth", fd_smooth, x, N, dx, want);
  return failures != 0;
}
