; ERROR-AT: 5
; file cut off in the middle of an instruction (e.g. a partial download)
define i32 @f(i32 %a) {
entry:
  %1 = add nsw i32 %a,