; ERROR-AT: 6
; getelementptr into a struct with a non-constant field index
%struct.S = type { i32, double }

define ptr @f(ptr %p, i32 %i) {
  %q = getelementptr %struct.S, ptr %p, i64 0, i32 %i
  ret ptr %q
}
