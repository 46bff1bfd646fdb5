/* C math library: the trig family (float), called as library functions (math errno on). */
#define TYPE float
#define SUFFIX f
#define TOL 2e-5
#include "libm.h"
#include "libm_trig.inc"

int main(void) {
  trig_cases();
  return failures != 0;
}
