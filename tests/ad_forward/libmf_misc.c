/* C math library: the misc family (float), called as library functions (math errno on). */
#define TYPE float
#define SUFFIX f
#define TOL 2e-5
#include "libm.h"
#include "libm_misc.inc"

int main(void) {
  misc_cases();
  return failures != 0;
}
