/* C math library: the explog family (float), called as library functions (math errno on). */
#define TYPE float
#define SUFFIX f
#define TOL 2e-5
#include "libm.h"
#include "libm_explog.inc"

int main(void) {
  explog_cases();
  return failures != 0;
}
