/* C math library: the explog family (double), called as library functions (math errno on). */
#define TYPE double
#define SUFFIX 
#define TOL 1e-10
#include "libm.h"
#include "libm_explog.inc"

int main(void) {
  explog_cases();
  return failures != 0;
}
