; fuzz regression: parse: RecursionError at enzyme_compat/ir/parser.py parse_type
; stage: parse, releases 8 12 21
; error: RecursionError: maximum recursion depth exceeded
; at: enzyme_compat/ir/parser.py:557 in parse_type
; found by: python tools/fuzz_parser.py --seed 1 at 9831f45 (input 4290, mutated from clang13/O0/lua54/lauxlib.ll#29)
%struct.__va_list_tag=type{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{