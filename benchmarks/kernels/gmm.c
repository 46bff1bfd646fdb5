/* Gaussian mixture model log-likelihood with a Wishart prior, ADBench's formulation.

   K components in d dimensions, n points x_i. Component k has a log-weight alpha_k, a mean
   mu_k and an inverse covariance factor Q_k = diag(exp(q_k)) + L_k (L_k strictly lower
   triangular), stored together as icf_k = (q_k[0..d), L_k's d(d-1)/2 entries column by
   column). The objective is

     sum_i logsumexp_k(alpha_k + sum(q_k) - |Q_k (x_i - mu_k)|^2 / 2)
       - n logsumexp(alpha) - n d log(2 pi) / 2
       + sum_k (gamma^2 / 2 (|exp(q_k)|^2 + |L_k|_F^2) - m sum(q_k)) - K C(d, gamma, m)

   with C = n' d (log gamma - log(2) / 2) - log Gamma_d(n' / 2), n' = d + m + 1. The gradient
   is taken with respect to alpha, the means and icf (the points are constant).

   Sizes: -DGMM_D=10 -DGMM_K=25 -DGMM_N=1000 (the defaults) or -DGMM_D=64 -DGMM_K=10. */
#include "harness.h"

#ifndef GMM_D
#define GMM_D 10
#endif
#ifndef GMM_K
#define GMM_K 25
#endif
#ifndef GMM_N
#define GMM_N 1000
#endif

static double log_sum_exp(const double *v, int len) {
  double top = v[0];
  for (int i = 1; i < len; i++)
    if (v[i] > top) top = v[i];
  double s = 0.0;
  for (int i = 0; i < len; i++) s += exp(v[i] - top);
  return log(s) + top;
}

/* log of the multivariate gamma function Gamma_p(a) */
static double log_multigamma(double a, int p) {
  double r = 0.25 * p * (p - 1) * log(M_PI);
  for (int j = 1; j <= p; j++) r += lgamma(a + 0.5 * (1 - j));
  return r;
}

double gmm_objective(int d, int k, int n, const double *alphas, const double *means, const double *icf,
                     const double *x, double gamma, int m) {
  const int icf_len = d + d * (d - 1) / 2;
  double *qdiag = malloc(sizeof(double) * (size_t)(d * k));
  double *sum_q = malloc(sizeof(double) * (size_t)k);
  double *centered = malloc(sizeof(double) * (size_t)d);
  double *mapped = malloc(sizeof(double) * (size_t)d);
  double *terms = malloc(sizeof(double) * (size_t)k);

  for (int c = 0; c < k; c++) {
    double s = 0.0;
    for (int j = 0; j < d; j++) {
      s += icf[c * icf_len + j];
      qdiag[c * d + j] = exp(icf[c * icf_len + j]);
    }
    sum_q[c] = s;
  }

  double data_term = 0.0;
  for (int i = 0; i < n; i++) {
    for (int c = 0; c < k; c++) {
      const double *mu = means + c * d, *lower = icf + c * icf_len + d, *q = qdiag + c * d;
      for (int j = 0; j < d; j++) centered[j] = x[i * d + j] - mu[j];
      for (int j = 0; j < d; j++) mapped[j] = q[j] * centered[j];
      int at = 0;
      for (int col = 0; col < d; col++)
        for (int row = col + 1; row < d; row++) mapped[row] += lower[at++] * centered[col];
      double norm2 = 0.0;
      for (int j = 0; j < d; j++) norm2 += mapped[j] * mapped[j];
      terms[c] = alphas[c] + sum_q[c] - 0.5 * norm2;
    }
    data_term += log_sum_exp(terms, k);
  }

  const int dof = d + m + 1;
  const double cst = dof * d * (log(gamma) - 0.5 * log(2.0)) - log_multigamma(0.5 * dof, d);
  double prior = 0.0;
  for (int c = 0; c < k; c++) {
    double frob = 0.0;
    for (int j = 0; j < d; j++) frob += qdiag[c * d + j] * qdiag[c * d + j];
    for (int j = d; j < icf_len; j++) frob += icf[c * icf_len + j] * icf[c * icf_len + j];
    prior += 0.5 * gamma * gamma * frob - m * sum_q[c];
  }
  prior -= k * cst;

  double out = data_term - n * log_sum_exp(alphas, k) - 0.5 * n * d * log(2.0 * M_PI) + prior;
  free(qdiag);
  free(sum_q);
  free(centered);
  free(mapped);
  free(terms);
  return out;
}

#define ICF_LEN (GMM_D + GMM_D * (GMM_D - 1) / 2)
#define NPARAM (GMM_K + GMM_K * GMM_D + GMM_K * ICF_LEN)

static double params[NPARAM], grad[NPARAM], points[GMM_N * GMM_D];
static const double gamma_ = 1.0;
static const int m_ = 0;

static double run_primal(void) {
  return gmm_objective(GMM_D, GMM_K, GMM_N, params, params + GMM_K, params + GMM_K + GMM_K * GMM_D, points,
                       gamma_, m_);
}

#ifndef BENCH_PRIMAL_ONLY
static void run_gradient(void) {
  memset(grad, 0, sizeof grad);
  __enzyme_autodiff((void *)gmm_objective, enzyme_const, GMM_D, enzyme_const, GMM_K, enzyme_const, GMM_N,
                    enzyme_dup, params, grad, enzyme_dup, params + GMM_K, grad + GMM_K, enzyme_dup,
                    params + GMM_K + GMM_K * GMM_D, grad + GMM_K + GMM_K * GMM_D, enzyme_const, points,
                    enzyme_const, gamma_, enzyme_const, m_);
}
#endif

int main(void) {
  bench_seed(GMM_D * 1000 + GMM_K);
  for (int c = 0; c < GMM_K; c++) params[c] = bench_normal();
  for (int i = 0; i < GMM_K * GMM_D; i++) params[GMM_K + i] = bench_uniform(0.0, 1.0);
  double *icf = params + GMM_K + GMM_K * GMM_D;
  for (int i = 0; i < GMM_K * ICF_LEN; i++) icf[i] = bench_uniform(-0.5, 0.5) / (i % ICF_LEN < GMM_D ? 1 : GMM_D);
  for (int i = 0; i < GMM_N * GMM_D; i++) points[i] = bench_uniform(0.0, 1.0);
  char name[64];
  snprintf(name, sizeof name, "gmm_d%d_K%d", GMM_D, GMM_K);
#ifdef BENCH_PRIMAL_ONLY
  bench b = {name, NPARAM, params, grad, run_primal, NULL};
#else
  bench b = {name, NPARAM, params, grad, run_primal, run_gradient};
#endif
  return bench_main(&b);
}
