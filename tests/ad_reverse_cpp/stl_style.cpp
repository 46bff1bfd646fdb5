// C++ as it is usually written: std::vector grown by push_back (operator new, a copy of the
// old elements, operator delete) inside the differentiated function, range-for loops,
// std::inner_product and std::accumulate with a lambda, a small value class with overloaded
// operators passed by const reference, a function template, std::array and a virtual call.
// Every gradient is checked against hand-derived values, central finite differences and
// forward mode (__enzyme_fwddiff, one direction per input).
#include <array>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <vector>

extern "C" {
extern int enzyme_dup, enzyme_const, enzyme_out;
double __enzyme_autodiff(void *, ...);
double __enzyme_fwddiff(void *, ...);
}

struct Vec3 {
  double x, y, z;
  Vec3 operator+(const Vec3 &o) const { return {x + o.x, y + o.y, z + o.z}; }
  Vec3 operator*(double s) const { return {x * s, y * s, z * s}; }
  double dot(const Vec3 &o) const { return x * o.x + y * o.y + z * o.z; }
};

template <typename T> T square(const T &v) { return v * v; }

struct Shape {
  virtual ~Shape() = default;
  virtual double area(double s) const = 0;
};
struct Square : Shape {
  double area(double s) const override { return s * s; }
};
struct Circle : Shape {
  double area(double r) const override { return M_PI * r * r; }
};

// sum_i (x_i^2 + x_i x_{i+1}) over a vector built by push_back, grown past its first
// capacities (n > 8 forces reallocations that move the elements already in it)
double grown(const double *x, int n) {
  std::vector<double> v;
  for (int i = 0; i < n; i++) v.push_back(x[i]);
  double s = 0;
  for (double e : v) s += square(e);
  return s + std::inner_product(v.begin(), v.end() - 1, v.begin() + 1, 0.0);
}

// |a + b*t|^2 + sum of exp of a's components, through Vec3's operators and std::array
double vec3(const double *p, double t) {
  Vec3 a{p[0], p[1], p[2]}, b{p[3], p[4], p[5]};
  Vec3 c = a + b * t;
  std::array<double, 3> comps{a.x, a.y, a.z};
  double e = std::accumulate(comps.begin(), comps.end(), 0.0,
                             [](double acc, double u) { return acc + std::exp(u); });
  return c.dot(c) + e;
}

// a virtual call chosen at run time
double shapes(double s, int which) {
  Square sq;
  Circle ci;
  const Shape *shape = which ? static_cast<const Shape *>(&ci) : &sq;
  return shape->area(s) * std::sin(s);
}

static int bad = 0;
static void check(const char *what, double got, double want, double tol) {
  double scale = std::fmax(1.0, std::fabs(want));
  if (!(std::fabs(got - want) <= tol * scale)) {
    std::printf("FAIL %s: %.17g, expected %.17g\n", what, got, want);
    bad = 1;
  }
}

int main() {
  const int n = 11;
  double x[n], dx[n] = {0};
  for (int i = 0; i < n; i++) x[i] = 0.3 + 0.1 * i - 0.05 * i * (i % 3);
  __enzyme_autodiff((void *)grown, enzyme_dup, x, dx, enzyme_const, n);
  for (int i = 0; i < n; i++) {
    double want = 2 * x[i] + (i > 0 ? x[i - 1] : 0) + (i < n - 1 ? x[i + 1] : 0);
    double h = 1e-6, keep = x[i];
    x[i] = keep + h;
    double up = grown(x, n);
    x[i] = keep - h;
    double down = grown(x, n);
    x[i] = keep;
    double e[n] = {0};
    e[i] = 1;
    double tangent = __enzyme_fwddiff((void *)grown, enzyme_dup, x, e, enzyme_const, n);
    check("grown: gradient", dx[i], want, 1e-12);
    check("grown: finite differences", dx[i], (up - down) / (2 * h), 1e-6);
    check("grown: forward mode", tangent, want, 1e-12);
  }

  double p[6] = {0.4, -0.2, 0.9, 1.1, 0.5, -0.7}, dp[6] = {0}, t = 0.8;
  double dt = __enzyme_autodiff((void *)vec3, enzyme_dup, p, dp, t);
  double c[3] = {p[0] + p[3] * t, p[1] + p[4] * t, p[2] + p[5] * t};
  double want_t = 0;
  for (int k = 0; k < 3; k++) {
    check("vec3: d/da", dp[k], 2 * c[k] + std::exp(p[k]), 1e-12);
    check("vec3: d/db", dp[k + 3], 2 * c[k] * t, 1e-12);
    want_t += 2 * c[k] * p[k + 3];
  }
  check("vec3: d/dt", dt, want_t, 1e-12);
  double h = 1e-6;
  check("vec3: d/dt finite differences", dt, (vec3(p, t + h) - vec3(p, t - h)) / (2 * h), 1e-6);
  for (int k = 0; k < 6; k++) {
    double e[6] = {0};
    e[k] = 1;
    check("vec3: forward mode", __enzyme_fwddiff((void *)vec3, enzyme_dup, p, e, enzyme_const, t),
          dp[k], 1e-12);
  }

  for (int which = 0; which < 2; which++) {
    double s = 0.7, k = which ? M_PI : 1.0;
    double ds = __enzyme_autodiff((void *)shapes, s, enzyme_const, which);
    double want = k * (2 * s * std::sin(s) + s * s * std::cos(s));
    check("shapes: gradient", ds, want, 1e-12);
    check("shapes: finite differences", ds,
          (shapes(s + h, which) - shapes(s - h, which)) / (2 * h), 1e-6);
    check("shapes: forward mode", __enzyme_fwddiff((void *)shapes, s, 1.0, enzyme_const, which),
          want, 1e-12);
  }
  std::printf("%s\n", bad ? "FAIL" : "ok");
  return bad;
}
