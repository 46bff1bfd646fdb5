/* An external function with no body and no registered rule, called with an active
   argument: enzyme-compat cc must refuse with one message naming the function and the
   source line of the call and saying how to fix it (register a derivative with
   __enzyme_register_gradient_..., or mark the function inactive). Another function of
   the program is declared inactive, so registrations exist but do not cover it. */
extern double __enzyme_autodiff(void *, ...);
extern double opaque_model(double); /* defined nowhere */

__attribute__((noinline)) void note(double v) { (void)v; }
void *__enzyme_inactivefn[] = {(void *)note};

double loss(double x) {
  note(x);
  double m = opaque_model(x * x); /* REJECTED CALL */
  return m * x;
}

int main(void) { return __enzyme_autodiff((void *)loss, 1.5) == 0; }
