; ERROR-AT: 4
; getelementptr without its source element type (pre-3.7 syntax)
define ptr @f(ptr %p) {
  %q = getelementptr inbounds ptr %p, i64 1
  ret ptr %q
}
