/* C math library: the misc family (double), called as library functions (math errno on). */
#define TYPE double
#define SUFFIX 
#define TOL 1e-10
#include "libm.h"
#include "libm_misc.inc"

int main(void) {
  misc_cases();
  return failures != 0;
}
