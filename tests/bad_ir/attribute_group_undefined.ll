; ERROR-AT: 9
; attribute group #5 used but never defined
; LLVM itself silently ignores the reference (13..22 accept this file); a converter would drop
; the attributes without a word, so a careful parser reports the use
define void @f() #0 {
  ret void
}

declare void @g() #5

attributes #0 = { nounwind }
