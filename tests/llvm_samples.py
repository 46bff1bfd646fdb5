"""Small hand-written IR modules for toolchain and matrix tests.

Each sample exists in a typed-pointer spelling (LLVM 7..15) and an opaque-pointer one
(LLVM 15..23); ``opaque()`` derives the latter so the two never drift apart.
"""

from __future__ import annotations

import re


def opaque(typed: str) -> str:
    """Respell a typed-pointer sample with ``ptr`` (and the intrinsic names that go with it)."""
    text = typed.replace(".p0i8.p0i8.", ".p0.p0.")
    return re.sub(r"(?:double|i8|i32|i64|%\w+)\*", "ptr", text)


SQ = """\
define double @sq(double %x) {
entry:
  %m = fmul double %x, %x
  %r = fadd double %m, 1.000000e+00
  ret double %r
}
"""

SUM = """\
define double @sum(double* nocapture readonly %a, i64 %n) {
entry:
  %empty = icmp sle i64 %n, 0
  br i1 %empty, label %done, label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %acc = phi double [ 0.000000e+00, %entry ], [ %acc.next, %loop ]
  %p = getelementptr inbounds double, double* %a, i64 %i
  %v = load double, double* %p, align 8
  %acc.next = fadd double %acc, %v
  %next = add nuw nsw i64 %i, 1
  %more = icmp slt i64 %next, %n
  br i1 %more, label %loop, label %done

done:
  %r = phi double [ 0.000000e+00, %entry ], [ %acc.next, %loop ]
  ret double %r
}
"""

SCALE = """\
@factor = internal global double 2.000000e+00, align 8

define void @scale(double* %a, i64 %n) {
entry:
  %f = load double, double* @factor, align 8
  %p = getelementptr double, double* %a, i64 1
  %v = load double, double* %p, align 8
  %root = call double @llvm.sqrt.f64(double %v)
  %big = fcmp ogt double %root, 1.000000e+00
  %k = select i1 %big, double %f, double 1.000000e+00
  %w = fmul double %v, %k
  store double %w, double* %p, align 8
  ret void
}

declare double @llvm.sqrt.f64(double)
"""

COPY = """\
%struct.pair = type { double, i64 }

define double @copy_first(%struct.pair* %src) #0 {
entry:
  %tmp = alloca %struct.pair, align 8
  %d = bitcast %struct.pair* %tmp to i8*
  %s = bitcast %struct.pair* %src to i8*
  call void @llvm.memcpy.p0i8.p0i8.i64(i8* align 8 %d, i8* align 8 %s, i64 16, i1 false)
  %f = getelementptr inbounds %struct.pair, %struct.pair* %tmp, i32 0, i32 0
  %v = load double, double* %f, align 8
  ret double %v
}

declare void @llvm.memcpy.p0i8.p0i8.i64(i8* nocapture writeonly, i8* nocapture readonly, i64, i1)

attributes #0 = { nounwind }
"""

TYPED_MODULES = {"sq": SQ, "sum": SUM, "scale": SCALE, "copy": COPY}
OPAQUE_MODULES = {name: opaque(text) for name, text in TYPED_MODULES.items()}

# A module every release parses but whose verifier fails.
NOT_DOMINATED = """\
define i32 @f(i32 %x) {
entry:
  %a = add i32 %b, 1
  %b = add i32 %x, 1
  ret i32 %a
}
"""

_DEBUG_TAIL = """\
!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2}
!0 = distinct !DICompileUnit(language: DW_LANG_C99, file: !1, producer: "t", isOptimized: false, runtimeVersion: 0, emissionKind: FullDebug)
!1 = !DIFile(filename: "t.c", directory: "/tmp")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = distinct !DISubprogram(name: "f", scope: !1, file: !1, line: 1, type: !4, scopeLine: 1, spFlags: DISPFlagDefinition, unit: !0)
!4 = !DISubroutineType(types: !5)
!5 = !{null}
!6 = !DILocalVariable(name: "x", arg: 1, scope: !3, file: !1, line: 1, type: !7)
!7 = !DIBasicType(name: "int", size: 32, encoding: DW_ATE_signed)
!8 = !DILocation(line: 1, column: 1, scope: !3)
"""

# Syntax that a release rejects (a feature of a later release), with part of LLVM's message.
OPAQUE_POINTER = "define ptr @f(ptr %p) {\nentry:\n  ret ptr %p\n}\n"
DEBUG_RECORD = (
    "define void @f(i32 %x) !dbg !3 {\nentry:\n    #dbg_value(i32 %x, !6, !DIExpression(), !8)\n"
    "  ret void, !dbg !8\n}\n" + _DEBUG_TAIL
)
PTRTOADDR = "define i64 @f(ptr %p) {\nentry:\n  %a = ptrtoaddr ptr %p to i64\n  ret i64 %a\n}\n"
FLOAT_LITERAL_23 = "define double @f() {\nentry:\n  ret double +inf\n}\n"
PTRADD = "define ptr @f(ptr %p) {\nentry:\n  %q = ptradd ptr %p, i64 1\n  ret ptr %q\n}\n"


def rejected_by(release: int) -> tuple[str, str]:
    """(module text, part of the message) for syntax that ``release`` rejects."""
    if release <= 12 or release == 14:
        return OPAQUE_POINTER, "expected type"
    if release <= 18:
        return DEBUG_RECORD, "expected instruction opcode"
    if release <= 21:
        return PTRTOADDR, "expected instruction opcode"
    if release == 22:
        return FLOAT_LITERAL_23, "expected"
    return PTRADD, "expected instruction opcode"


def native_module(release: int, pointers: str, name: str) -> str:
    """The sample in the spelling a release reads natively."""
    return (OPAQUE_MODULES if pointers == "opaque" else TYPED_MODULES)[name]
