; ERROR-AT: 9
; an unnamed block label reusing the number of a value
define i32 @f(i32 %0) {
  %2 = icmp sgt i32 %0, 0
  br i1 %2, label %3, label %5
3:
  %4 = add i32 %0, 1
  ret i32 %4
4:
  ret i32 0
}
