/* double** indirection: an array of row pointers into one block, and a shadow array of
   row pointers into the shadow block; the function reads rows[i][j] and the row below
   (cyclically) through the pointer table. */
#include "check.h"

double rows_energy(double **rows, int m, int n) {
  double s = 0;
  for (int i = 0; i < m; i++) {
    double *r = rows[i], *below = rows[(i + 1) % m];
    for (int j = 0; j < n; j++) s += r[j] * r[j] * (i + 1) + r[j] * below[j];
  }
  return s;
}

#define M 3
#define NC 4
static double fd_rows(const double *p) {
  double data[M * NC], *rows[M];
  memcpy(data, p, sizeof data);
  for (int i = 0; i < M; i++) rows[i] = data + i * NC;
  return rows_energy(rows, M, NC);
}

int main(void) {
  double data[M * NC], ddata[M * NC] = {0}, *rows[M], *drows[M], want[M * NC];
  for (int k = 0; k < M * NC; k++) data[k] = 0.25 * k - 1.2 + 0.1 * (k % 2);
  for (int i = 0; i < M; i++) rows[i] = data + i * NC, drows[i] = ddata + i * NC;
  __enzyme_autodiff_v((void *)rows_energy, enzyme_dup, rows, drows, enzyme_const, M,
                      enzyme_const, NC);
  for (int i = 0; i < M; i++)
    for (int j = 0; j < NC; j++)
      want[i * NC + j] = 2 * data[i * NC + j] * (i + 1) + data[((i + 1) % M) * NC + j]
                         + data[((i + M - 1) % M) * NC + j];
  check_grad("rows", fd_rows, data, M * NC, ddata, want);
  double tdata[M * NC] = {0}, *trows[M];
  for (int i = 0; i < M; i++) trows[i] = tdata + i * NC;
  for (int k = 0; k < M * NC; k++) {
    tdata[k] = 1;
    check_fwd("rows fwd", __enzyme_fwddiff((void *)rows_energy, rows, trows, M, NC), ddata[k],
              want[k], 1e-12);
    tdata[k] = 0;
  }
  return failures != 0;
}
