/* Radix-2 complex FFT (iterative, decimation in time: a bit-reversal permutation, then
   log2(N) stages of butterflies with a twiddle table computed per call), N = 1024. The loss
   is a weighted power spectrum sum_k w_k |X_k|^2 (weights constant, not all equal, so the
   loss is not simply N |x|^2); its gradient is taken with respect to the real and
   imaginary parts of the input. */
#include "harness.h"

#ifndef FFT_N
#define FFT_N 1024
#endif

static void fft_inplace(int n, double *re, double *im, const double *cos_t, const double *sin_t) {
  for (int half = 1; half < n; half *= 2) {
    int stride = n / (2 * half); /* twiddle k of this stage is entry k * stride of the table */
    for (int start = 0; start < n; start += 2 * half) {
      for (int k = 0; k < half; k++) {
        int a = start + k, b = a + half;
        double wr = cos_t[k * stride], wi = sin_t[k * stride];
        double tr = re[b] * wr - im[b] * wi, ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}

double fft_loss(int n, const double *re_in, const double *im_in, const double *weights) {
  double *re = malloc(sizeof(double) * (size_t)n), *im = malloc(sizeof(double) * (size_t)n);
  double *cos_t = malloc(sizeof(double) * (size_t)(n / 2)), *sin_t = malloc(sizeof(double) * (size_t)(n / 2));
  for (int k = 0; k < n / 2; k++) {
    cos_t[k] = cos(-2.0 * M_PI * k / n);
    sin_t[k] = sin(-2.0 * M_PI * k / n);
  }
  int bits = 0;
  while ((1 << bits) < n) bits++;
  for (int i = 0; i < n; i++) {
    int r = 0;
    for (int b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    re[r] = re_in[i];
    im[r] = im_in[i];
  }
  fft_inplace(n, re, im, cos_t, sin_t);
  double loss = 0.0;
  for (int k = 0; k < n; k++) loss += weights[k] * (re[k] * re[k] + im[k] * im[k]);
  free(re);
  free(im);
  free(cos_t);
  free(sin_t);
  return loss;
}

static double params[2 * FFT_N], grad[2 * FFT_N], weights[FFT_N];

static double run_primal(void) { return fft_loss(FFT_N, params, params + FFT_N, weights); }

#ifndef BENCH_PRIMAL_ONLY
static void run_gradient(void) {
  memset(grad, 0, sizeof grad);
  __enzyme_autodiff((void *)fft_loss, enzyme_const, FFT_N, enzyme_dup, params, grad, enzyme_dup, params + FFT_N,
                    grad + FFT_N, enzyme_const, weights);
}
#endif

int main(void) {
  bench_seed(5);
  for (int i = 0; i < 2 * FFT_N; i++) params[i] = bench_normal();
  for (int k = 0; k < FFT_N; k++) weights[k] = 1.0 / (1.0 + 0.01 * k) + 0.1 * bench_uniform(0, 1);
#ifdef BENCH_PRIMAL_ONLY
  bench b = {"fft", 2 * FFT_N, params, grad, run_primal, NULL};
#else
  bench b = {"fft", 2 * FFT_N, params, grad, run_primal, run_gradient};
#endif
  return bench_main(&b);
}
