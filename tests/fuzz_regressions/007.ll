; fuzz regression: reparse: ParseError at enzyme_compat/ir/parser.py parse_md
; stage: reparse(9), releases 9 20 22
; error: ParseError: out9.ll:10:5: error: expected metadata, found '='
; at: enzyme_compat/ir/parser.py:1064 in parse_md
; found by: python tools/fuzz_parser.py --seed 1 at 9831f45 (input 69266, mutated from ir_cases:debug_records)
define i32@f(i32%x){%y=add i32%x,1#dbg_value(i32%y)ret i32%y,!dbg!10}!10=!DILocation