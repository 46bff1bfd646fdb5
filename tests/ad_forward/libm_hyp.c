/* C math library: the hyp family (double), called as library functions (math errno on). */
#define TYPE double
#define SUFFIX 
#define TOL 1e-10
#include "libm.h"
#include "libm_hyp.inc"

int main(void) {
  hyp_cases();
  return failures != 0;
}
