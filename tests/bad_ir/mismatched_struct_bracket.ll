; ERROR-AT: 3
; struct type closed with the wrong bracket
%struct.S = type { i32, double ]

define void @f() {
  ret void
}
