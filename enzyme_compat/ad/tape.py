"""The tape of reverse mode: a growable byte stack, one per differentiated call.

The augmented forward sweep pushes every forward value the reverse sweep will need, right
after the instruction whose adjoint needs it; the reverse sweep visits the executed
instructions in exactly the opposite order and pops them. Last in, first out holds for any
control flow (loops with unknown trip counts, early exits, recursion, calls: a callee's
augmented forward pushes onto its caller's tape and its reverse pops from it), so values
are cached per loop iteration with no loop analysis and are never read back from memory
that may have been overwritten since.

The tape header `{ptr data, i64 size, i64 capacity}` (24 bytes: `__enzyme_augmentsize`)
lives on the caller's stack, in a caller-provided buffer (`enzyme_allocated`, where the
data starts after the header while it fits) or on the heap; the data grows by doubling
through realloc. Slots are 8-byte multiples, written
and read with `align 1` (values of any type, vectors and structs included).

The augmented and reverse functions take the tape `noalias nocapture`: nothing but them
(and the callees they hand it to) touches the header while they run, so LLVM keeps its
fields in registers through a loop instead of reloading them around every store. Hence
the runtime never compares or converts the header's address: data in the caller's buffer
is marked by the low bit of the capacity (slots are 8-byte multiples, so a size fits
below `cap | 1` exactly when it fits below `cap`). An address taken as an integer counts
as captured, and a captured header may be what any stored pointer points to.
"""

from __future__ import annotations

import re

from ..ir import instructions as I
from ..ir.types import (ArrayType, I8, I64, IdentifiedStructType, PointerType,
                        StructType, VectorType)
from ..ir.values import ConstantInt

HEADER_SIZE = 24
PUSH, POP, FREE = ("__enzyme_compat_tape_push", "__enzyme_compat_tape_pop",
                   "__enzyme_compat_tape_free")
GROW = "__enzyme_compat_tape_grow"
# Split mode: a tape in a caller's buffer (`enzyme_allocated, N`) keeps its first N - 24
# bytes of data in the buffer itself, after the header; reversing such a tape leaves it
# as it was (it can be reversed again with another seed) unless it outgrew the buffer.
INIT, SIZE, RELEASE, REWIND = ("__enzyme_compat_tape_init", "__enzyme_compat_tape_size",
                               "__enzyme_compat_tape_release", "__enzyme_compat_tape_rewind")
# The data of the last tape freed, kept (its capacity in its first 8 bytes) for the next
# tape: repeated gradients (an optimizer's loop) reuse memory the OS has already mapped
# instead of faulting in fresh pages every call. Taken and given back with atomic
# exchanges, so threads never share it.
SPARE = "__enzyme_compat_spare_tape"
# Room for n more bytes in one step (a loop's values, `tape_reserve.py`).
RESERVE = "__enzyme_compat_tape_reserve"
# Shadow heap blocks know their size (8 bytes before the block, 16 reserved to keep the
# alignment): realloc's reverse needs the old shadow's size when the old primal is gone.
SHADOW_ALLOC, SHADOW_FREE, SHADOW_SIZE = ("__enzyme_compat_shadow_alloc",
                                          "__enzyme_compat_shadow_free",
                                          "__enzyme_compat_shadow_size")

# {P}: a byte pointer, {PP}: a pointer to one, {I64P}: a pointer to i64 ("ptr" in opaque
# modules). The header is addressed as three 8-byte fields.
_RUNTIME = """
@{SPARE} = internal global i64 0, align 8

declare {P} @realloc({P}, i64)
declare {P} @malloc(i64)
declare {P} @memcpy({P}, {P}, i64)
declare void @free({P})

define internal {P} @{PUSH}({P} %tape, i64 %n) {{
entry:
  %hp = bitcast {P} %tape to {PP}
  %sp0 = getelementptr inbounds i8, {P} %tape, i64 8
  %sp = bitcast {P} %sp0 to {I64P}
  %cp0 = getelementptr inbounds i8, {P} %tape, i64 16
  %cp = bitcast {P} %cp0 to {I64P}
  %size = load i64, {I64P} %sp, align 8
  %cap = load i64, {I64P} %cp, align 8
  %end = add i64 %size, %n
  %room = icmp ule i64 %end, %cap
  %fits = call i1 @llvm.expect.i1(i1 %room, i1 true)
  br i1 %fits, label %store, label %grow
grow:
  %old = load {P}, {PP} %hp, align 8
  %grown = call {{ {P}, i64 }} @{GROW}({P} %old, i64 %size, i64 %cap, i64 %end)
  %new = extractvalue {{ {P}, i64 }} %grown, 0
  %got = extractvalue {{ {P}, i64 }} %grown, 1
  store {P} %new, {PP} %hp, align 8
  store i64 %got, {I64P} %cp, align 8
  br label %store
store:
  %data = load {P}, {PP} %hp, align 8
  store i64 %end, {I64P} %sp, align 8
  %slot = getelementptr inbounds i8, {P} %data, i64 %size
  ret {P} %slot
}}

; The data and capacity for at least `end` bytes, the first `size` kept. Out of line (the
; pushes in a loop keep only the check, the header stays in registers) but not `cold`:
; LLVM would infer every function whose first push grows the tape cold, and inline none.
define internal {{ {P}, i64 }} @{GROW}({P} %old, i64 %size, i64 %cap, i64 %end) noinline {{
entry:
  %flag = and i64 %cap, 1
  %bytes = sub i64 %cap, %flag
  %twice = shl i64 %bytes, 1
  %big = icmp ugt i64 %twice, %end
  %want = select i1 %big, i64 %twice, i64 %end
  %min = icmp ult i64 %want, 4096
  %newcap = select i1 %min, i64 4096, i64 %want
  %in_buffer = icmp ne i64 %flag, 0
  br i1 %in_buffer, label %move, label %fresh_or_grow
move:
  %fresh = call {P} @malloc(i64 %newcap)
  %moved = call {P} @memcpy({P} %fresh, {P} %old, i64 %size)
  br label %check
fresh_or_grow:
  %none = icmp eq {P} %old, null
  br i1 %none, label %spare, label %resize
spare:
  %si = atomicrmw xchg {I64P} @{SPARE}, i64 0 seq_cst
  %has = icmp ne i64 %si, 0
  br i1 %has, label %spare_size, label %resize
spare_size:
  %sd = inttoptr i64 %si to {P}
  %scp = bitcast {P} %sd to {I64P}
  %sc = load i64, {I64P} %scp, align 8
  %enough = icmp uge i64 %sc, %newcap
  br i1 %enough, label %take, label %too_small
too_small:
  call void @free({P} %sd)
  br label %resize
take:
  br label %check
resize:
  %again = call {P} @realloc({P} %old, i64 %newcap)
  br label %check
check:
  %new = phi {P} [ %fresh, %move ], [ %again, %resize ], [ %sd, %take ]
  %got = phi i64 [ %newcap, %move ], [ %newcap, %resize ], [ %sc, %take ]
  %null = icmp eq {P} %new, null
  br i1 %null, label %oom, label %grown
oom:
  call void @llvm.trap()
  unreachable
grown:
  %r0 = insertvalue {{ {P}, i64 }} undef, {P} %new, 0
  %r1 = insertvalue {{ {P}, i64 }} %r0, i64 %got, 1
  ret {{ {P}, i64 }} %r1
}}

define internal {P} @{POP}({P} %tape, i64 %n) {{
entry:
  %hp = bitcast {P} %tape to {PP}
  %sp0 = getelementptr inbounds i8, {P} %tape, i64 8
  %sp = bitcast {P} %sp0 to {I64P}
  %size = load i64, {I64P} %sp, align 8
  %top = sub i64 %size, %n
  store i64 %top, {I64P} %sp, align 8
  %data = load {P}, {PP} %hp, align 8
  %slot = getelementptr inbounds i8, {P} %data, i64 %top
  ret {P} %slot
}}

define internal void @{FREE}({P} %tape) {{
entry:
  %hp = bitcast {P} %tape to {PP}
  %data = load {P}, {PP} %hp, align 8
  %cp0 = getelementptr inbounds i8, {P} %tape, i64 16
  %cp = bitcast {P} %cp0 to {I64P}
  %cap = load i64, {I64P} %cp, align 8
  %none = icmp eq {P} %data, null
  %flag = and i64 %cap, 1
  %in_buffer = icmp ne i64 %flag, 0
  %not_ours = or i1 %none, %in_buffer
  br i1 %not_ours, label %reset, label %keep_or_drop
keep_or_drop:
  %dcp = bitcast {P} %data to {I64P}
  store i64 %cap, {I64P} %dcp, align 8
  %di = ptrtoint {P} %data to i64
  %prev = atomicrmw xchg {I64P} @{SPARE}, i64 %di seq_cst
  %had = icmp ne i64 %prev, 0
  br i1 %had, label %drop, label %reset
drop:
  %pp = inttoptr i64 %prev to {P}
  call void @free({P} %pp)
  br label %reset
reset:
  store {P} null, {PP} %hp, align 8
  %sp0 = getelementptr inbounds i8, {P} %tape, i64 8
  %sp = bitcast {P} %sp0 to {I64P}
  store i64 0, {I64P} %sp, align 8
  store i64 0, {I64P} %cp, align 8
  ret void
}}

define internal void @{RELEASE}({P} %tape, i64 %saved) {{
entry:
  %cp0 = getelementptr inbounds i8, {P} %tape, i64 16
  %cp = bitcast {P} %cp0 to {I64P}
  %cap = load i64, {I64P} %cp, align 8
  %flag = and i64 %cap, 1
  %in_buffer = icmp ne i64 %flag, 0
  br i1 %in_buffer, label %keep, label %drop
keep:
  %sp0 = getelementptr inbounds i8, {P} %tape, i64 8
  %sp = bitcast {P} %sp0 to {I64P}
  store i64 %saved, {I64P} %sp, align 8
  ret void
drop:
  call void @{FREE}({P} %tape)
  ret void
}}

define internal void @{RESERVE}({P} %tape, i64 %n) {{
entry:
  %slot = call {P} @{PUSH}({P} %tape, i64 %n)
  %back = call {P} @{POP}({P} %tape, i64 %n)
  ret void
}}

define internal void @{REWIND}({P} %tape, i64 %saved) {{
entry:
  %sp0 = getelementptr inbounds i8, {P} %tape, i64 8
  %sp = bitcast {P} %sp0 to {I64P}
  store i64 %saved, {I64P} %sp, align 8
  ret void
}}

define internal i64 @{SIZE}({P} %tape) {{
entry:
  %sp0 = getelementptr inbounds i8, {P} %tape, i64 8
  %sp = bitcast {P} %sp0 to {I64P}
  %size = load i64, {I64P} %sp, align 8
  ret i64 %size
}}

define internal void @{INIT}({P} %tape, i64 %bytes) {{
entry:
  %hp = bitcast {P} %tape to {PP}
  %sp0 = getelementptr inbounds i8, {P} %tape, i64 8
  %sp = bitcast {P} %sp0 to {I64P}
  %cp0 = getelementptr inbounds i8, {P} %tape, i64 16
  %cp = bitcast {P} %cp0 to {I64P}
  store i64 0, {I64P} %sp, align 8
  %room = icmp ugt i64 %bytes, 24
  br i1 %room, label %inline, label %empty
inline:
  %data = getelementptr inbounds i8, {P} %tape, i64 24
  store {P} %data, {PP} %hp, align 8
  %room_bytes = sub i64 %bytes, 24
  %slots = and i64 %room_bytes, -8
  %cap = or i64 %slots, 1
  store i64 %cap, {I64P} %cp, align 8
  ret void
empty:
  store {P} null, {PP} %hp, align 8
  store i64 0, {I64P} %cp, align 8
  ret void
}}

define internal {P} @{SHADOW_ALLOC}(i64 %n) {{
entry:
  %total = add i64 %n, 16
  %block = call {P} @calloc(i64 %total, i64 1)
  %null = icmp eq {P} %block, null
  br i1 %null, label %oom, label %ok
oom:
  call void @llvm.trap()
  unreachable
ok:
  %sp = bitcast {P} %block to {I64P}
  store i64 %n, {I64P} %sp, align 8
  %user = getelementptr inbounds i8, {P} %block, i64 16
  ret {P} %user
}}

define internal void @{SHADOW_FREE}({P} %p) {{
entry:
  %null = icmp eq {P} %p, null
  br i1 %null, label %done, label %free
free:
  %block = getelementptr inbounds i8, {P} %p, i64 -16
  call void @free({P} %block)
  br label %done
done:
  ret void
}}

define internal i64 @{SHADOW_SIZE}({P} %p) {{
entry:
  %null = icmp eq {P} %p, null
  br i1 %null, label %none, label %some
none:
  ret i64 0
some:
  %block = getelementptr inbounds i8, {P} %p, i64 -16
  %sp = bitcast {P} %block to {I64P}
  %n = load i64, {I64P} %sp, align 8
  ret i64 %n
}}

declare {P} @calloc(i64, i64)
declare void @llvm.trap()
declare i1 @llvm.expect.i1(i1, i1)
"""


def runtime_text(opaque: bool) -> str:
    if opaque:  # a no-op GEP stands where typed pointers need a bitcast
        sub = {"P": "ptr", "PP": "ptr", "I64P": "ptr"}
        text = re.sub(r"= bitcast ptr (%\w+) to ptr", r"= getelementptr i8, ptr \1, i64 0",
                      _RUNTIME.replace("{P}", "ptr").replace("{PP}", "ptr")
                      .replace("{I64P}", "ptr"))
    else:
        sub = {"P": "i8*", "PP": "i8**", "I64P": "i64*"}
        text = _RUNTIME
    return text.format(PUSH=PUSH, POP=POP, FREE=FREE, SHADOW_ALLOC=SHADOW_ALLOC,
                       SHADOW_FREE=SHADOW_FREE, SHADOW_SIZE=SHADOW_SIZE, RELEASE=RELEASE,
                       SIZE=SIZE, INIT=INIT, REWIND=REWIND, RESERVE=RESERVE,
                       SPARE=SPARE, GROW=GROW, **sub)


def _align(t) -> int:
    if isinstance(t, (StructType, IdentifiedStructType)):
        return max((_align(e) for e in t.elems), default=1)
    if isinstance(t, ArrayType):
        return _align(t.elem)
    return min(max(store_size(t), 1), 16)


def store_size(t) -> int:
    """An upper bound of the bytes a store of type `t` writes (64-bit targets and
    smaller)."""
    if isinstance(t, PointerType):
        return 8
    if isinstance(t, VectorType):
        return t.count * store_size(t.elem)
    if isinstance(t, ArrayType):
        return t.count * store_size(t.elem)
    if isinstance(t, (StructType, IdentifiedStructType)):
        size = 0
        for e in t.elems:
            a = 1 if getattr(t, "packed", False) else _align(e)
            size = (size + a - 1) // a * a + store_size(e)
        return size
    bits = getattr(t, "bits", None)
    if bits is None:
        raise TypeError(f"no size for {t!r}")
    if t.key() == "x86_fp80":
        return 16
    return (bits + 7) // 8


def alloc_size(t) -> int:
    """The distance between consecutive elements of type `t` in memory (an alloca's or an
    array's stride): the store size rounded up to the alignment."""
    a = _align(t)
    return (store_size(t) + a - 1) // a * a


def slot_size(t) -> int:
    return (store_size(t) + 7) // 8 * 8


class Tape:
    """Emits pushes and pops of one function's tape (its `%tape` byte pointer)."""

    def __init__(self, module, declare_runtime, opaque: bool):
        self.module = module
        self.opaque = opaque
        self.byte_ptr = PointerType(None if opaque else I8)
        self._runtime = declare_runtime  # () -> {name: Function}

    def pointer_to(self, t):
        return PointerType(None if self.opaque else t)

    def _slot(self, emit, fn_name, tape, t):
        fn = self._runtime()[fn_name]
        slot = emit(I.Call("call", fn.fn_type.ret, fn.fn_type, fn,
                           [tape, ConstantInt(I64, slot_size(t))], [[], []]))
        if not self.opaque:
            slot = emit(I.Cast("bitcast", self.pointer_to(t), [slot]))
        return slot

    def push(self, emit, tape, value):
        slot = self._slot(emit, PUSH, tape, value.type)
        emit(I.Store([value, slot], align=1))

    def pop(self, emit, tape, t):
        slot = self._slot(emit, POP, tape, t)
        return emit(I.Load(t, [slot], align=1))

    def free(self, emit, tape):
        fn = self._runtime()[FREE]
        emit(I.Call("call", fn.fn_type.ret, fn.fn_type, fn, [tape], [[]]))


def runtime_functions(module, opaque: bool) -> dict:
    """The tape functions, added to `module` on first use."""
    from ..ir.module import Function
    from ..ir.parser import parse

    names = (PUSH, GROW, POP, FREE, SHADOW_ALLOC, SHADOW_FREE, SHADOW_SIZE, RELEASE, SIZE,
             INIT, REWIND, RESERVE)
    if all(isinstance(module.symbols.get(n), Function) for n in names):
        return {n: module.symbols[n] for n in names}
    src = parse(runtime_text(opaque), "<enzyme_compat tape runtime>")
    out = {}
    for g in src.globals:
        module.globals.append(g)
        module.symbols[g.name] = g
    for f in src.functions:
        existing = module.symbols.get(f.name)
        if f.is_declaration:
            if existing is None:
                module.functions.append(f)
                module.symbols[f.name] = f
            continue
        f.pre = ["internal"]
        module.functions.append(f)
        module.symbols[f.name] = f
        out[f.name] = f
    # calls inside the runtime must name the module's own declarations
    for f in out.values():
        for b in f.blocks:
            for inst in b.instructions:
                if isinstance(inst, I.Call) and isinstance(inst.callee, Function):
                    inst.callee = module.symbols.get(inst.callee.name, inst.callee)
    return out
