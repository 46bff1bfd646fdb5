; ERROR-AT: 10
; two blocks with the same label
; LLVM's parser misses it and only its verifier complains (without a line); the line of the
; second definition is where a careful parser reports it
define void @f() {
entry:
  br label %loop
loop:
  br label %loop
loop:
  ret void
}
