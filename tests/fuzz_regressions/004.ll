; fuzz regression: parse: RecursionError at enzyme_compat/ir/parser.py parse_optional_type
; stage: parse, releases 11 15 23
; error: RecursionError: maximum recursion depth exceeded
; at: enzyme_compat/ir/parser.py:594 in parse_optional_type
; found by: python tools/fuzz_parser.py --seed 1 at 9831f45 (input 10235, mutated from clang22/O2/lua54/lstrlib.ll#30)
!9={{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{