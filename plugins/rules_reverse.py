"""Reverse rules: the operations whose adjoints cannot be read off their forward rule.

Memory: a load adds the adjoint of its result into the shadow of the loaded bytes; a store
takes the adjoint out of the shadow of the bytes it overwrote (and zeroes it); copies move
adjoints from the destination's shadow back to the source's (the element type comes from
type analysis); memset zeroes the shadow. Casts between float types cast the adjoint back;
vector lane moves (extract, insert, shuffle) move adjoint lanes back; reductions spread
the result's adjoint over the lanes. Float arithmetic (fadd, fsub, fmul, fdiv, fneg, fma
and fmuladd: most of what any derivative does) is written out too: reading adjoints off
the forward rule runs it once per operand.
"""

from enzyme_compat.ad.errors import TypeAnalysisError, UnsupportedInstructionError
from enzyme_compat.ad.hookspecs import ad_hookimpl
from enzyme_compat.ad.lanes import shuffle_mask
from enzyme_compat.ad.rules import reverse_rules
from enzyme_compat.ad.types_analysis import UNKNOWN, copied_kind, holds_float
from enzyme_compat.ir import instructions as I
from enzyme_compat.ir.types import DOUBLE, FLOAT, I1, I8, I32, I64, VOID, VectorType
from enzyme_compat.ir.values import ConstantInt, Undef


# ------------------------------------------------------------------------- memory
def _load(rb, a, dy):
    if rb.in_place_update:
        return [None]  # the store of the update left the shadow as it was (increments.py)
    if dy is not None:
        ptr = rb.shadow(0)
        if ptr is not None:  # dy is a float also where the load reads float bits as an integer
            rb.add_to_memory(ptr, dy.type, dy)
    return [None]


def _store(rb, a, dy):
    t = rb.gs.adjoint_type(rb.inst.ops[0])  # a float type, also for an integer of float bits
    if t is None:
        return [None, None]
    ptr = rb.shadow(1)
    d = rb.load(t, ptr)
    if not rb.in_place_update:  # else the update's load would add d back (increments.py)
        rb.store(rb.zero(t), ptr)
    return [d, None]


def _atomicrmw(rb, a, dy):
    """old = atomicrmw op p, v. fadd/fsub: the location's adjoint flows to v (negated for
    fsub) and the old value's adjoint is added to the location; xchg: like a store whose
    old value is read."""
    op = rb.inst.operation
    t = rb.inst.ops[1].type
    if not holds_float(t):
        return [None, None]
    if op not in ("fadd", "fsub", "xchg"):
        rb.error(UnsupportedInstructionError, f"`atomicrmw {op}` on a float has no reverse "
                 "rule")
    ptr = rb.shadow(0)
    d_new = rb.load(t, ptr)
    rest = d_new if op != "xchg" else None
    rb.store(rb.materialize(rb.fadd(rest, dy), t), ptr)
    return [None, rb.fneg(d_new) if op == "fsub" else d_new]


def _cmpxchg(rb, a, dy):
    """cmpxchg on shadowed memory: nothing to do for real integers (a lock, a counter);
    a compare-and-swap of float bits (clang's loop for `_Atomic double +=`) is refused:
    its adjoint depends on which attempts succeeded, which the tape does not record yet."""
    from enzyme_compat.ad.types_analysis import INT

    if rb.gs.integer_bits.kind(rb.inst.ops[2]) == INT:
        return [None, None, None]
    rb.error(UnsupportedInstructionError, "a compare-and-swap of float bits (the loop clang "
             "writes for `_Atomic double` / `_Atomic float` arithmetic) is not supported in "
             "reverse mode yet (forward mode supports it); use __atomic_fetch_add / "
             "atomicrmw fadd, or a non-atomic double")


_TRANSFER_IR = """
define internal void @{name}({P} %dst, {P} %src, i64 %n) {{
entry:
  %d = {cast_dst}
  %s = {cast_src}
  %count = udiv i64 %n, {size}
  %up = icmp ugt {P} %dst, %src
  %none = icmp eq i64 %count, 0
  br i1 %none, label %done, label %loop
loop:
  %k = phi i64 [ 0, %entry ], [ %k1, %loop ]
  %last = sub i64 %count, 1
  %down = sub i64 %last, %k
  %i = select i1 %up, i64 %k, i64 %down
  %pd = getelementptr inbounds {T}, {TP} %d, i64 %i
  %ps = getelementptr inbounds {T}, {TP} %s, i64 %i
  %vd = load {T}, {TP} %pd, align 1
  store {T} {zero}, {TP} %pd, align 1
  %vs = load {T}, {TP} %ps, align 1
  %sum = fadd {T} %vs, %vd
  store {T} %sum, {TP} %ps, align 1
  %k1 = add i64 %k, 1
  %more = icmp ult i64 %k1, %count
  br i1 %more, label %loop, label %done
done:
  ret void
}}
"""


def _transfer_helper(rb, t):
    """`@name(dst', src', nbytes)`: src'[i] += dst'[i]; dst'[i] = 0 for each element,
    walking in the direction that keeps overlapping ranges (memmove) right."""
    name = f"__enzyme_compat_transfer_adjoint_{t.key()}"
    if rb.gs.tape.opaque:  # a no-op GEP stands where typed pointers need a bitcast
        p, tp = "ptr", "ptr"
        cast = "getelementptr i8, ptr %{}, i64 0"
    else:
        p, tp = "i8*", f"{t.key()}*"
        cast = "bitcast i8* %{} to " + tp
    text = _TRANSFER_IR.format(name=name, T=t.key(), size=t.bits // 8, zero="0.0", P=p,
                               TP=tp, cast_dst=cast.format("dst"), cast_src=cast.format("src"))
    return rb.helper(name, text)


_FLOATS = {"double": DOUBLE, "float": FLOAT}


def _transfer_kind(gs, inst):
    kind = copied_kind(gs.primal, gs.activity, inst.args[0], inst.args[1], gs.module)
    if kind == UNKNOWN and gs.mode.loose_types:
        return "none"
    if kind == UNKNOWN:
        raise gs.error(TypeAnalysisError, inst, "cannot deduce what the copied bytes hold "
                       "(no typed access to them in this function); pass --loose-types to "
                       "treat them as integers")
    if kind == "mixed" or (kind not in _FLOATS and kind != "pointer"):
        raise gs.error(TypeAnalysisError, inst, f"the copied bytes hold {kind} data (floats "
                       "of several types, or floats and pointers): copying them in reverse "
                       "mode is not supported yet")
    return kind


def _memtransfer(rb, a, dy):
    gs = rb.gs
    kind = _transfer_kind(gs, rb.inst)
    if kind not in _FLOATS:
        return [None] * len(a)
    ddst, dsrc = rb.shadow(0), rb.shadow(1)
    if ddst is None:
        return [None] * len(a)
    length = a[2] if a[2].type == I64 else rb.cast("zext", I64, a[2])
    bp = gs.tape.byte_ptr
    d8 = ddst if ddst.type == bp else rb.cast("bitcast", bp, ddst)
    if dsrc is None:  # constant bytes copied in: the destination's adjoint is dropped
        rb.intrinsic("memset", [bp, I64], VOID, [d8, ConstantInt(I8, 0), length,
                                                   ConstantInt(I1, 0)])
        return [None] * len(a)
    s8 = dsrc if dsrc.type == bp else rb.cast("bitcast", bp, dsrc)
    _transfer(rb, kind, d8, s8, length)
    return [None] * len(a)


def _transfer(rb, kind, ddst, dsrc, nbytes):
    """Adjoints of `nbytes` copied from dsrc to ddst (byte pointers): dsrc += ddst,
    ddst = 0, element by element in the float type `kind`."""
    rb.call(_transfer_helper(rb, _FLOATS[kind]), [ddst, dsrc, nbytes])


_memtransfer.transfer = _transfer


def _memtransfer_forward(gs, inst, c, nb):
    """Pointers copied in memory take their shadows along (in the forward sweep: the
    reverse sweep reads shadow pointers from the tape, never from memory)."""
    ddst, dsrc = gs.shadow.get(inst.args[0]), gs.shadow.get(inst.args[1])
    if ddst is None:
        if dsrc is not None:
            raise gs.error(UnsupportedInstructionError, inst,
                           "active memory is copied into memory that has no shadow; pass the "
                           "destination as enzyme_dup")
        return
    if _transfer_kind(gs, inst) != "pointer" or dsrc is None:
        return
    s = I.Call("call", c.type, c.fn_type, c.callee, [ddst, dsrc, *c.args[2:]],
               [[] for _ in c.args])
    nb.append(s)


_memtransfer.forward = _memtransfer_forward


def _memset(rb, a, dy):
    ddst = rb.shadow(0)
    if ddst is not None:
        rb.clone([ddst, ConstantInt(a[1].type, 0), *a[2:]])
    return [None] * len(a)


# -------------------------------------------------------------- casts, lanes, aggregates
def _float_cast(rb, a, dy):  # fpext <-> fptrunc
    back = "fptrunc" if rb.inst.opcode == "fpext" else "fpext"
    return [rb.cast(back, rb.inst.ops[0].type, dy)]


def _bitcast(rb, a, dy):
    src = rb.inst.ops[0].type
    if src == rb.inst.type or dy.type == rb.gs.adjoint_type(rb.inst.ops[0]):
        return [dy]  # also float <-> integer holding its bits: one adjoint, a float
    if src.scalar == rb.inst.type.scalar or not holds_float(src):
        return [rb.cast("bitcast", src, dy) if holds_float(src) else None]
    rb.error(UnsupportedInstructionError, f"bitcast from {src!r} to {rb.inst.type!r} "
             "reinterprets float lanes: no adjoint")


def _extractelement(rb, a, dy):
    v = rb.inst.ops[0]
    return [rb.emit(I.InsertElement("insertelement", v.type, [rb.zero(v.type), dy, a[1]])),
            None]


def _insertelement(rb, a, dy):
    vt, st = rb.inst.ops[0].type, rb.inst.ops[1].type
    d_scalar = rb.emit(I.ExtractElement("extractelement", st, [dy, a[2]]))
    d_vec = rb.emit(I.InsertElement("insertelement", vt, [dy, rb.zero(st), a[2]]))
    return [d_vec, d_scalar, None]


def _shufflevector(rb, a, dy):
    inst = rb.inst
    t0 = inst.ops[0].type
    mask = shuffle_mask(inst)
    if mask is None or t0.scalable:
        rb.error(UnsupportedInstructionError, "shufflevector with a mask that is not a "
                 "constant vector")
    n = t0.count
    outs = [rb.zero(t0), rb.zero(inst.ops[1].type)]
    touched = [False, False]
    for j, m in enumerate(mask):
        if m is None or m < 0:
            continue
        src, lane = divmod(m, n)
        e = rb.emit(I.ExtractElement("extractelement", t0.elem, [dy, ConstantInt(I32, j)]))
        old = rb.emit(I.ExtractElement("extractelement", t0.elem,
                                       [outs[src], ConstantInt(I32, lane)]))
        s = rb.binop("fadd", old, e)
        outs[src] = rb.emit(I.InsertElement("insertelement", t0,
                                            [outs[src], s, ConstantInt(I32, lane)]))
        touched[src] = True
    return [outs[0] if touched[0] else None, outs[1] if touched[1] else None, None]


def _extractvalue(rb, a, dy):
    t = rb.inst.ops[0].type
    return [rb.emit(I.InsertValue(t, [rb.zero(t), dy], list(rb.inst.indices)))]


def _insertvalue(rb, a, dy):
    inst = rb.inst
    at, et = inst.ops[0].type, inst.ops[1].type
    d_elem = rb.emit(I.ExtractValue(et, [dy], list(inst.indices))) if holds_float(et) \
        else None
    d_agg = rb.emit(I.InsertValue(at, [dy, rb.zero(et)], list(inst.indices)))
    return [d_agg, d_elem]


# ------------------------------------------------------------------------ reductions
def _splat(rb, vt, s):
    v = rb.emit(I.InsertElement("insertelement", vt, [Undef(vt), s, ConstantInt(I32, 0)]))
    from enzyme_compat.ir.values import ZeroInitializer

    mask = ZeroInitializer(VectorType(vt.count, I32))
    return rb.emit(I.ShuffleVector("shufflevector", vt, [v, Undef(vt), mask]))


def _reduce_fadd(rb, a, dy):  # (start, vec)
    vt = rb.inst.args[1].type
    return [dy, _splat(rb, vt, dy)]


def _reduce_fmul(rb, a, dy):  # r = start * prod(v): d start = dy*r/start, d v_i = dy*r/v_i
    vt = rb.inst.args[1].type
    r = rb.result
    g = rb.binop("fmul", dy, r)
    return [rb.binop("fdiv", g, a[0]), rb.binop("fdiv", _splat(rb, vt, g), a[1])]


def _reduce_extremum(rb, a, dy):  # the lanes equal to the result take its adjoint
    vt = rb.inst.args[0].type
    r = _splat(rb, vt, rb.result)
    hit = rb.fcmp("oeq", a[0], r)
    return [rb.select(hit, _splat(rb, vt, dy), rb.zero(vt), vt)]


# ------------------------------------------------------- library calls through memory
def _modf(rb, a, dy):  # frac = modf(x, &ip): d x = d frac; ip's bytes are overwritten
    ip = rb.shadow(1)
    if ip is not None:
        rb.store(rb.zero(rb.inst.type), ip)
    return [dy, None]


def _frexp(rb, a, dy):  # m = frexp(x, &e) = x * 2^-e: d x = d m * m / x
    if dy is None:
        return [None, None]
    return [rb.binop("fdiv", rb.binop("fmul", dy, rb.result), a[0]), None]


def _sincos(rb, a, dy):  # sincos(x, &s, &c)
    t = rb.inst.args[0].type
    x = a[0]
    total = None
    ps, pc = rb.shadow(1), rb.shadow(2)
    if ps is not None:
        ds = rb.load(t, ps)
        rb.store(rb.zero(t), ps)
        total = rb.fadd(total, rb.fmul(ds, rb.unary("cos", x)))
    if pc is not None:
        dc = rb.load(t, pc)
        rb.store(rb.zero(t), pc)
        total = rb.fsub(total, rb.fmul(dc, rb.unary("sin", x)))
    return [total, None, None]


# ------------------------------------------------------------------------- arithmetic
# Each adjoint is built only for an operand with one (rb.gs.has_adjoint), and an operand
# is read (from the tape, on first use) only when an adjoint needs it.
def _fadd(rb, a, dy):
    x, y = rb.inst.ops
    has = rb.gs.has_adjoint
    return [dy if has(x) else None, dy if has(y) else None]


def _fsub(rb, a, dy):
    x, y = rb.inst.ops
    has = rb.gs.has_adjoint
    return [dy if has(x) else None, rb.fneg(dy) if has(y) else None]


def _fmul(rb, a, dy):  # (dy y, x dy)
    x, y = rb.inst.ops
    has = rb.gs.has_adjoint
    return [rb.fmul(dy, a[1]) if has(x) else None, rb.fmul(a[0], dy) if has(y) else None]


def _fdiv(rb, a, dy):  # r = x/y: (dy / y, -(r dy) / y)
    x, y = rb.inst.ops
    has = rb.gs.has_adjoint
    return [rb.fdiv(dy, a[1]) if has(x) else None,
            rb.fdiv(rb.fneg(rb.fmul(rb.result, dy)), a[1]) if has(y) else None]


def _fneg(rb, a, dy):
    return [rb.fneg(dy)]


def _fma(rb, a, dy):  # x*y + z: (dy y, x dy, dy), each only for an operand with an adjoint
    if dy is None:
        return [None, None, None]
    x, y, z = rb.inst.args
    has = rb.gs.has_adjoint
    return [rb.fmul(dy, a[1]) if has(x) else None, rb.fmul(a[0], dy) if has(y) else None,
            dy if has(z) else None]


_TRANSFERS = {"memcpy": _memtransfer, "memcpy.inline": _memtransfer,
              "memmove": _memtransfer, "memset": _memset, "memset.inline": _memset}

RULES = (
    reverse_rules("instruction", {
        "fadd": _fadd, "fsub": _fsub, "fmul": _fmul, "fdiv": _fdiv, "fneg": _fneg,
        "load": _load, "store": _store, "atomicrmw": _atomicrmw, "cmpxchg": _cmpxchg,
        "fpext": _float_cast, "fptrunc": _float_cast, "bitcast": _bitcast,
        "extractelement": _extractelement, "insertelement": _insertelement,
        "shufflevector": _shufflevector, "extractvalue": _extractvalue,
        "insertvalue": _insertvalue,
    })
    + reverse_rules("intrinsic", {
        **_TRANSFERS, "fma": _fma, "fmuladd": _fma,
        "vector.reduce.fadd": _reduce_fadd, "experimental.vector.reduce.v2.fadd": _reduce_fadd,
        "vector.reduce.fmul": _reduce_fmul, "experimental.vector.reduce.v2.fmul": _reduce_fmul,
        "vector.reduce.fmax": _reduce_extremum, "vector.reduce.fmin": _reduce_extremum,
        "vector.reduce.fmaximum": _reduce_extremum, "vector.reduce.fminimum": _reduce_extremum,
        "experimental.vector.reduce.fmax": _reduce_extremum,
        "experimental.vector.reduce.fmin": _reduce_extremum,
    })
    + reverse_rules("function", {
        "modf": _modf, "modff": _modf, "modfl": _modf,
        "frexp": _frexp, "frexpf": _frexp, "frexpl": _frexp,
        "sincos": _sincos, "sincosf": _sincos, "sincosl": _sincos,
    })
)


@ad_hookimpl
def enzyme_compat_reverse_rules():
    return RULES
