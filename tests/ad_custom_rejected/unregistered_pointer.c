/* An external function with no body and no registered rule, reading active memory and
   writing through a pointer (its result feeds the return value): enzyme-compat cc must
   refuse with one message naming the function and the source line of the call and the
   two fixes. A custom gradient is registered for another function of the program, so
   registrations exist but do not cover this one. */
extern void __enzyme_autodiff(void *, ...);
extern void opaque_fill(double *out, const double *in, int n); /* defined nowhere */

__attribute__((noinline)) double twice(double x) { return 2 * x; }
double aug_twice(double x) { return 2 * x; }
double rev_twice(double x, double d_ret) { (void)x; return 2 * d_ret; }
void *__enzyme_register_gradient_twice[3] = {(void *)twice, (void *)aug_twice,
                                             (void *)rev_twice};

double total(const double *in, int n) {
  double out[4];
  opaque_fill(out, in, n); /* REJECTED CALL */
  double s = 0;
  for (int i = 0; i < n && i < 4; i++) s += twice(out[i]);
  return s;
}

int main(void) {
  double in[4] = {1, 2, 3, 4}, d_in[4] = {0};
  __enzyme_autodiff((void *)total, in, d_in, 4);
  return d_in[0] == 0;
}
