/* C math library: the trig family (double), called as library functions (math errno on). */
#define TYPE double
#define SUFFIX 
#define TOL 1e-10
#include "libm.h"
#include "libm_trig.inc"

int main(void) {
  trig_cases();
  return failures != 0;
}
