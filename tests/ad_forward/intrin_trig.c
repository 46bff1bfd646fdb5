/* CFLAGS: -fno-math-errno */
/* Without errno, clang turns the trig calls into LLVM intrinsics where it can (which
   ones depends on the release: llvm.sin/exp/pow/fabs/floor/... everywhere,
   llvm.tan/asin/atan2/ldexp/frexp/... in newer ones). */
#define TYPE double
#define SUFFIX
#define TOL 1e-10
#include "libm.h"
#include "libm_trig.inc"

int main(void) {
  trig_cases();
  return failures != 0;
}
