// C++: operator new[]/delete[] and new/delete of an object inside the differentiated
// function (shadows allocated alongside, freed in the reverse sweep), member functions,
// a template, references. Checked against hand-derived values and finite differences.
#include <cmath>
#include <cstdio>

extern "C" {
extern int enzyme_dup, enzyme_const, enzyme_out;
double __enzyme_autodiff(void *, ...);
}

template <typename T> struct Poly {
  T *c;
  int n;
  Poly(int n_) : c(new T[n_]), n(n_) {}
  ~Poly() { delete[] c; }
  T eval(T x) const {
    T s = 0;
    for (int i = n - 1; i >= 0; i--) s = s * x + c[i];
    return s;
  }
};

struct Acc {
  double v = 0;
  void add(const double &x) { v += x * x; }
};

double f(double a, double x, int n) {
  Poly<double> p(n);
  for (int i = 0; i < n; i++) p.c[i] = a * (i + 1);  // sum a (i+1) x^i
  Acc *acc = new Acc;
  acc->add(p.eval(x));
  double r = acc->v;
  delete acc;
  return r;  // (a q(x))^2, q(x) = sum (i+1) x^i
}

static double q(double x, int n) {
  double s = 0;
  for (int i = n - 1; i >= 0; i--) s = s * x + (i + 1);
  return s;
}
static double dq(double x, int n) {
  double s = 0;
  for (int i = n - 1; i >= 1; i--) s = s * x + i * (i + 1);
  return s;
}

int main() {
  double a = 0.7, x = 0.9;
  int n = 4;
  double da = __enzyme_autodiff((void *)f, a, enzyme_const, x, enzyme_const, n);
  double dx = __enzyme_autodiff((void *)f, enzyme_const, a, x, enzyme_const, n);
  double want_a = 2 * a * q(x, n) * q(x, n), want_x = 2 * a * a * q(x, n) * dq(x, n);
  double h = 1e-6, fd_a = (f(a + h, x, n) - f(a - h, x, n)) / (2 * h);
  double fd_x = (f(a, x + h, n) - f(a, x - h, n)) / (2 * h);
  int bad = 0;
  bad |= std::fabs(da - want_a) > 1e-10 * std::fmax(1, std::fabs(want_a));
  bad |= std::fabs(dx - want_x) > 1e-10 * std::fmax(1, std::fabs(want_x));
  bad |= std::fabs(da - fd_a) > 1e-6 * std::fmax(1, std::fabs(fd_a));
  bad |= std::fabs(dx - fd_x) > 1e-6 * std::fmax(1, std::fabs(fd_x));
  std::printf("%s da %.15g (want %.15g) dx %.15g (want %.15g)\n", bad ? "FAIL" : "ok", da,
              want_a, dx, want_x);
  return bad;
}
