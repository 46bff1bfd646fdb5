/* Four constructs no derivative can be built for, in three functions reached from
   reverse-mode and forward-mode calls: the tool must name every one of them (function,
   instruction, source line) in one run and write no output. */
extern int enzyme_dup, enzyme_const;
extern double __enzyme_autodiff(void *, ...);
extern double __enzyme_fwddiff(void *, ...);
extern double mystery(double);   /* no body, no registered derivative */
extern double enigma(double);

double helper(double a) { return enigma(a) * 2; }            /* PROBLEM: @enigma */
double f(double x, double y) {
  double a = mystery(x);                                      /* PROBLEM: @mystery */
  __asm__("" : "+x"(y));                                      /* PROBLEM: asm */
  return a * y + helper(x);
}
double h(double x) { return x * mystery(x * x); }             /* PROBLEM: @mystery in h */

int main(void) {
  double r = __enzyme_autodiff((void *)f, 1.0, 2.0);
  r += __enzyme_fwddiff((void *)f, 1.0, 1.0, 2.0, 0.0);
  r += __enzyme_fwddiff((void *)h, 1.0, 1.0);
  return r > 0;
}
