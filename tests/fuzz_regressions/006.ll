; fuzz regression: parse: RecursionError at enzyme_compat/ir/parser.py parse_optional_type
; stage: parse, releases 7 11 16
; error: RecursionError: maximum recursion depth exceeded in comparison
; at: enzyme_compat/ir/parser.py:617 in parse_optional_type
; found by: python tools/fuzz_parser.py --seed 1 at 9831f45 (input 57828, mutated from clang19/O0/lua54/lbaselib.ll#0)
@base_funcs = constant [26 x{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{