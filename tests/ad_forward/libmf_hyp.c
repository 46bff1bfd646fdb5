/* C math library: the hyp family (float), called as library functions (math errno on). */
#define TYPE float
#define SUFFIX f
#define TOL 2e-5
#include "libm.h"
#include "libm_hyp.inc"

int main(void) {
  hyp_cases();
  return failures != 0;
}
