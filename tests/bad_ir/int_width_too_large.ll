; ERROR-AT: 3
; integer type wider than LLVM's limit (2^23 bits)
@big = global i16777216 0
