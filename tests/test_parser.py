"""The lenient parser: what the model records, and located errors."""

from __future__ import annotations

import pytest

import enzyme_compat
from enzyme_compat.ir import instructions as I
from enzyme_compat.ir.errors import ParseError
from enzyme_compat.ir.types import DOUBLE, PointerType

MIXED = """
%struct.S = type { double, ptr, [2 x i32] }
@g = global double 1.5, align 8
@p = global ptr @g

define double @f(double* %x, ptr noundef %s, i64 %n) #0 {
entry:
  br label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %acc = phi fast double [ 0.0, %entry ], [ %sum, %loop ]
  %q = getelementptr inbounds nuw %struct.S, ptr %s, i64 %i, i32 0
  %v = load double, ptr %q, align 8, !tbaa !0
  %sum = fadd fast double %acc, %v
  %next = add nuw nsw i64 %i, 1
  %c = icmp samesign ult i64 %next, %n
  br i1 %c, label %loop, label %exit

exit:
  %w = call double @llvm.fmuladd.f64(double %sum, double 2.0, double 1.0) #1
  ret double %w
}

declare double @llvm.fmuladd.f64(double, double, double)

attributes #0 = { nounwind memory(argmem: read) "frame-pointer"="none" }
attributes #1 = { nounwind }
!0 = !{!"double", !1, i64 0}
!1 = !{!"tbaa root"}
"""


def test_model_of_mixed_module():
    m = enzyme_compat.parse(MIXED)
    f = m.get_function("f")
    assert [b.name for b in f.blocks] == ["entry", "loop", "exit"]
    assert isinstance(f.args[0].type, PointerType) and f.args[0].type.pointee == DOUBLE
    loop = f.blocks[1]
    phi = loop.instructions[1]
    assert isinstance(phi, I.Phi) and phi.flags == ["fast"]
    assert phi.ops[1] is loop.instructions[4]  # forward reference resolved to %sum
    gep = loop.instructions[2]
    assert gep.flags == ["inbounds", "nuw"] and gep.source_type.name == "struct.S"
    load = loop.instructions[3]
    assert load.align == 8 and load.md[0][0] == "tbaa"
    cmp = loop.instructions[6]
    assert cmp.predicate == "ult" and cmp.flags == ["samesign"]
    call = f.blocks[2].instructions[0]
    assert call.callee is m.get_function("llvm.fmuladd.f64")
    assert m.uses_opaque_pointers


def test_round_trip_is_stable():
    m = enzyme_compat.parse(MIXED)
    once = m.to_text(release=22)
    assert enzyme_compat.parse(once).to_text(release=22) == once


@pytest.mark.parametrize("text,line,col,needle", [
    ("define i32 @f() {\n  ret i32 %x\n}\n", 2, 11, "undefined value '%x'"),
    ("define i32 @f() {\n  %a = add i32 1, 2\n  %a = add i32 1, 2\n  ret i32 %a\n}\n", 3, 3,
     "multiple definition"),
    ("define void @f() {\n  br label %nowhere\n}\n", 2, 12, "undefined label"),
    ("define void @f() {\n  %x = frob i32 1\n  ret void\n}\n", 2, 8, "instruction opcode"),
    ("@g = global i33x 0\n", 1, 13, "type"),
    ("define i32 @f() {\n  ret i32 %x\n", 3, 1, "end of file"),
    ("define i64 @f(i32 %a) {\n  ret i64 %a\n}\n", 2, 11, "defined with type 'i32'"),
    ("@s = global [2 x i8] c\"ab\n", 1, 23, "unterminated string"),
    ("define void @f() {\n  store i32 1, double* null\n  ret void\n}\n", 2, 16,
     "does not match"),
])
def test_errors_are_located(text, line, col, needle):
    with pytest.raises(ParseError) as info:
        enzyme_compat.parse(text, "bad.ll")
    e = info.value
    assert (e.line, e.column) == (line, col), e.format()
    assert needle in e.message
    first, src, caret = e.format().splitlines()
    assert first.startswith(f"bad.ll:{line}:{col}: error: ")
    assert caret.index("^") == col - 1


def test_every_release_syntax_at_once():
    """Spellings no single release accepts together still parse (the reader is lenient)."""
    text = """
define void @f(i8* byval %a, ptr sret(i32) %b) {
  %c = load ptr, ptr getelementptr inbounds ({ [2 x ptr] }, ptr @t, i64 0, inrange i32 0, i64 1)
  %d = fneg double 1.0
  #dbg_value(double %d, !0, !DIExpression(), !1)
  ret void
}
@t = global { [2 x ptr] } zeroinitializer
!0 = !{}
!1 = !{}
"""
    m = enzyme_compat.parse(text)
    assert len(m.get_function("f").blocks[0].instructions) == 4


def test_metadata_definition_right_after_a_declaration():
    """`declare void @f()` directly followed by `!0 = !{}`: the definition is not an
    attachment of the declaration."""
    m = enzyme_compat.parse("declare void @f()\n!0 = !{}\n!named = !{!0}\n", "t.ll")
    text = m.to_text(release=22)
    assert "declare void @f()\n" in text and "!0 = !{}" in text


def _tokens_or_error(tokenize, source):
    from enzyme_compat.ir.errors import ParseError

    try:
        t = tokenize(source, "x.ll")
        return list(t.kinds), list(t.texts)
    except ParseError as e:
        return str(e)


def test_fast_tokenizer_agrees_with_the_reference():
    """The regex-split fast path gives the tokens (or the error) of the reference grammar,
    on random sequences of the fragments where they could part: comments holding quotes,
    unterminated strings, hex keywords and numbers, labels, metadata."""
    import random

    from enzyme_compat.ir import lexer

    pieces = ["; ", '"', "\n", " ", "a", "%x", "@g", "=", "!", "0x1", "f0x", ":", 'c"', "1.5",
              ';"', "#0", "\t", "u0x2", "-", "$c", "!{", "..."]
    rnd = random.Random(20261127)
    for _ in range(4000):
        source = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 24)))
        assert _tokens_or_error(lexer.tokenize, source) == \
            _tokens_or_error(lexer._tokenize_reference, source), repr(source)
