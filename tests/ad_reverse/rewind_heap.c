/* Heap blocks the reverse sweep rewinds instead of taping what is read from them: heat
   equations on two grids swapped every step, in 1-D (each cell read three times per step,
   written once; at -O2 the vectorized loop reads x[i-1..i], x[i..i+1], x[i+1..i+2], whose
   adjoints are summed before they reach the shadow) and in 2-D (five reads); rows of a
   scratch buffer filled by one loop and read by the next (also from a loop nested in the
   reading one); a buffer written and read again in one block (not rewound: the values
   stay on the tape). The gradients are checked against hand-written adjoints and finite
   differences. */
#include "check.h"

#define R 0.2

double heat1d(int n, int steps, const double *u0, const double *kappa, const double *w) {
  const int s = n + 2;
  double *cur = calloc((size_t)s, sizeof(double)), *next = calloc((size_t)s, sizeof(double));
  double *k = calloc((size_t)s, sizeof(double));
  for (int i = 0; i < n; i++) { /* scaled: -O2 would copy a plain copy with memcpy */
    cur[i + 1] = 2 * u0[i];
    k[i + 1] = kappa[i];
  }
  for (int t = 0; t < steps; t++) {
    for (int c = 1; c <= n; c++) {
      double u = cur[c];
      double ke = 0.5 * (k[c] + k[c + 1]), kw = 0.5 * (k[c] + k[c - 1]);
      next[c] = u + R * (ke * (cur[c + 1] - u) - kw * (u - cur[c - 1]));
    }
    double *swap = cur;
    cur = next;
    next = swap;
  }
  double loss = 0;
  for (int i = 0; i < n; i++) loss += w[i] * cur[i + 1] * cur[i + 1];
  free(cur);
  free(next);
  free(k);
  return loss;
}

/* the 2-D stencil of the benchmarks (G x G cells, zero boundary, face conductivities the
   mean of two cells' k): five reads of the grid per cell and step, one write */
double heat2d(int g, int steps, const double *u0, const double *kappa, const double *w) {
  const int s = g + 2;
  double *cur = calloc((size_t)(s * s), sizeof(double)), *next = calloc((size_t)(s * s), sizeof(double));
  double *k = calloc((size_t)(s * s), sizeof(double));
  for (int i = 0; i < g; i++)
    for (int j = 0; j < g; j++) {
      cur[(i + 1) * s + j + 1] = u0[i * g + j];
      k[(i + 1) * s + j + 1] = kappa[i * g + j];
    }
  for (int t = 0; t < steps; t++) {
    for (int i = 1; i <= g; i++)
      for (int j = 1; j <= g; j++) {
        int c = i * s + j;
        double u = cur[c], kc = k[c];
        double ke = 0.5 * (kc + k[c + 1]), kw = 0.5 * (kc + k[c - 1]);
        double ks = 0.5 * (kc + k[c + s]), kn = 0.5 * (kc + k[c - s]);
        next[c] = u + R * (ke * (cur[c + 1] - u) - kw * (u - cur[c - 1]) + ks * (cur[c + s] - u) -
                           kn * (u - cur[c - s]));
      }
    double *swap = cur;
    cur = next;
    next = swap;
  }
  double loss = 0.0;
  for (int i = 0; i < g; i++)
    for (int j = 0; j < g; j++) loss += w[i * g + j] * cur[(i + 1) * s + j + 1] * cur[(i + 1) * s + j + 1];
  free(cur);
  free(next);
  free(k);
  return loss;
}

/* per row, buf_j = x_j^2 and then sum_j buf_j^2 x_j x_{j+1} = sum_j x_j^5 x_{j+1} */
double rows(const double *x, int m, int n) {
  double *buf = malloc(sizeof(double) * (size_t)n);
  double s = 0;
  for (int r = 0; r < m; r++) {
    for (int j = 0; j < n; j++) buf[j] = x[r * n + j] * x[r * n + j];
    for (int j = 0; j + 1 < n; j++) s += buf[j] * buf[j] * x[r * n + j] * x[r * n + j + 1];
  }
  free(buf);
  return s;
}

/* per row, buf_j = x_j^2, then sum_j sum_k buf_j buf_k x_k: buf_j is read in the j loop
   and used in the k loop nested in it, which reads buf but writes nothing of it */
double nested(const double *x, int m, int n) {
  double *buf = malloc(sizeof(double) * (size_t)n);
  double s = 0;
  for (int r = 0; r < m; r++) {
    for (int j = 0; j < n; j++) buf[j] = x[r * n + j] * x[r * n + j];
    for (int j = 0; j < n; j++) {
      double v = buf[j];
      for (int k = 0; k < n; k++) s += v * buf[k] * x[r * n + k];
    }
  }
  free(buf);
  return s;
}

/* tmp written and read back in one iteration, overwritten by the next */
double same_block(const double *x, int n) {
  double *tmp = malloc(2 * sizeof(double));
  double s = 0;
  for (int i = 0; i < n; i++) {
    tmp[0] = x[i] * x[i];
    tmp[1] = sin(x[i]);
    s += tmp[0] * tmp[1] * tmp[0];
  }
  free(tmp);
  return s;
}

#define N 37
#define STEPS 6
#define G 9
#define CELLS (G * G)
#define S (G + 2)
#define M 3
#define C 5

static double wts[N], wts2[CELLS];

/* the adjoint of heat1d written out: every state kept, swept back step by step */
static void heat1d_adjoint(const double *u0, const double *kappa, double *du0, double *dk) {
  static double u[STEPS + 1][N + 2];
  double k[N + 2] = {0}, ub[N + 2] = {0}, nb[N + 2];
  memset(u, 0, sizeof u);
  for (int i = 0; i < N; i++) {
    u[0][i + 1] = 2 * u0[i];
    k[i + 1] = kappa[i];
  }
  for (int t = 0; t < STEPS; t++)
    for (int c = 1; c <= N; c++) {
      double ke = 0.5 * (k[c] + k[c + 1]), kw = 0.5 * (k[c] + k[c - 1]);
      const double *v = u[t];
      u[t + 1][c] = v[c] + R * (ke * (v[c + 1] - v[c]) - kw * (v[c] - v[c - 1]));
    }
  double kb[N + 2] = {0};
  for (int i = 0; i < N; i++) ub[i + 1] = 2 * wts[i] * u[STEPS][i + 1];
  for (int t = STEPS - 1; t >= 0; t--) {
    const double *v = u[t];
    memset(nb, 0, sizeof nb);
    for (int c = 1; c <= N; c++) {
      double ke = 0.5 * (k[c] + k[c + 1]), kw = 0.5 * (k[c] + k[c - 1]);
      double b = ub[c];
      nb[c] += b * (1 - R * ke - R * kw);
      nb[c + 1] += b * R * ke;
      nb[c - 1] += b * R * kw;
      double dke = b * R * (v[c + 1] - v[c]), dkw = -b * R * (v[c] - v[c - 1]);
      kb[c] += 0.5 * (dke + dkw);
      kb[c + 1] += 0.5 * dke;
      kb[c - 1] += 0.5 * dkw;
    }
    memcpy(ub, nb, sizeof ub);
  }
  for (int i = 0; i < N; i++) {
    du0[i] = 2 * ub[i + 1];
    dk[i] = kb[i + 1];
  }
}

/* the adjoint of heat2d written out the same way */
static void heat2d_adjoint(const double *u0, const double *kappa, double *du0, double *dk) {
  static double u[STEPS + 1][S * S];
  double k[S * S] = {0}, ub[S * S] = {0}, nb[S * S], kb[S * S] = {0};
  memset(u, 0, sizeof u);
  for (int i = 0; i < G; i++)
    for (int j = 0; j < G; j++) {
      u[0][(i + 1) * S + j + 1] = u0[i * G + j];
      k[(i + 1) * S + j + 1] = kappa[i * G + j];
    }
  static const int off[4] = {1, -1, S, -S}; /* east, west, south, north */
  for (int t = 0; t < STEPS; t++)
    for (int i = 1; i <= G; i++)
      for (int j = 1; j <= G; j++) {
        int c = i * S + j;
        const double *v = u[t];
        double flux = 0;
        for (int f = 0; f < 4; f++) flux += 0.5 * (k[c] + k[c + off[f]]) * (v[c + off[f]] - v[c]);
        u[t + 1][c] = v[c] + R * flux;
      }
  for (int i = 0; i < G; i++)
    for (int j = 0; j < G; j++) ub[(i + 1) * S + j + 1] = 2 * wts2[i * G + j] * u[STEPS][(i + 1) * S + j + 1];
  for (int t = STEPS - 1; t >= 0; t--) {
    const double *v = u[t];
    memset(nb, 0, sizeof nb);
    for (int i = 1; i <= G; i++)
      for (int j = 1; j <= G; j++) {
        int c = i * S + j;
        double b = ub[c];
        nb[c] += b;
        for (int f = 0; f < 4; f++) {
          int o = c + off[f];
          double kf = 0.5 * (k[c] + k[o]);
          nb[o] += b * R * kf;
          nb[c] -= b * R * kf;
          double dkf = b * R * (v[o] - v[c]);
          kb[c] += 0.5 * dkf;
          kb[o] += 0.5 * dkf;
        }
      }
    memcpy(ub, nb, sizeof ub);
  }
  for (int i = 0; i < G; i++)
    for (int j = 0; j < G; j++) {
      du0[i * G + j] = ub[(i + 1) * S + j + 1];
      dk[i * G + j] = kb[(i + 1) * S + j + 1];
    }
}

static double fd_heat2d(const double *p) { return heat2d(G, STEPS, p, p + CELLS, wts2); }
static double fd_heat(const double *p) { return heat1d(N, STEPS, p, p + N, wts); }
static double fd_rows(const double *p) { return rows(p, M, C); }
static double fd_nested(const double *p) { return nested(p, M, C); }
static double fd_same_block(const double *p) { return same_block(p, C); }

int main(void) {
  double p[2 * N], dp[2 * N], want[2 * N];
  for (int i = 0; i < N; i++) {
    p[i] = sin(0.7 * i) + 0.2;
    p[N + i] = 1.0 + 0.4 * cos(1.3 * i);
    wts[i] = 0.5 + 0.05 * (i % 7);
  }
  clear(dp, 2 * N);
  __enzyme_autodiff_v((void *)heat1d, enzyme_const, N, enzyme_const, STEPS, enzyme_dup, p, dp,
                      enzyme_dup, p + N, dp + N, enzyme_const, wts);
  heat1d_adjoint(p, p + N, want, want + N);
  check_grad("heat1d", fd_heat, p, 2 * N, dp, want);

  double q[2 * CELLS], dq[2 * CELLS], want2[2 * CELLS];
  for (int i = 0; i < CELLS; i++) {
    q[i] = cos(0.45 * i) + 0.1;
    q[CELLS + i] = 1.0 + 0.3 * sin(0.9 * i);
    wts2[i] = 0.5 + 0.04 * (i % 9);
  }
  clear(dq, 2 * CELLS);
  __enzyme_autodiff_v((void *)heat2d, enzyme_const, G, enzyme_const, STEPS, enzyme_dup, q, dq,
                      enzyme_dup, q + CELLS, dq + CELLS, enzyme_const, wts2);
  heat2d_adjoint(q, q + CELLS, want2, want2 + CELLS);
  check_grad("heat2d", fd_heat2d, q, 2 * CELLS, dq, want2);

  double x[M * C], dx[M * C], wx[M * C];
  for (int i = 0; i < M * C; i++) x[i] = 0.6 + 0.1 * i - 0.02 * i * i;
  clear(dx, M * C);
  __enzyme_autodiff((void *)rows, enzyme_dup, x, dx, enzyme_const, M, enzyme_const, C);
  for (int r = 0; r < M; r++)
    for (int j = 0; j < C; j++) {
      const double *v = x + r * C;
      double g = 0;
      if (j + 1 < C) g += 5 * pow(v[j], 4) * v[j + 1];
      if (j > 0) g += pow(v[j - 1], 5);
      wx[r * C + j] = g;
    }
  check_grad("rows", fd_rows, x, M * C, dx, wx);

  clear(dx, M * C);
  __enzyme_autodiff((void *)nested, enzyme_dup, x, dx, enzyme_const, M, enzyme_const, C);
  for (int r = 0; r < M; r++) {
    const double *v = x + r * C;
    double sq = 0, cube = 0;
    for (int j = 0; j < C; j++) {
      sq += v[j] * v[j];
      cube += v[j] * v[j] * v[j];
    }
    for (int j = 0; j < C; j++) wx[r * C + j] = 2 * v[j] * cube + 3 * v[j] * v[j] * sq;
  }
  check_grad("nested", fd_nested, x, M * C, dx, wx);

  clear(dx, C);
  __enzyme_autodiff((void *)same_block, enzyme_dup, x, dx, enzyme_const, C);
  for (int i = 0; i < C; i++) wx[i] = 4 * pow(x[i], 3) * sin(x[i]) + pow(x[i], 4) * cos(x[i]);
  check_grad("same_block", fd_same_block, x, C, dx, wx);
  return failures != 0;
}
