; ERROR-AT: 3
; a C file given where IR is expected
#include <stdio.h>
int main(void) { return 0; }
