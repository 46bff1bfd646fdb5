"""TangentBuilder: what a derivative rule may emit.

Values passed in and returned are values of the tangent function. None stands for a zero
tangent and the arithmetic helpers fold it away (`fmul(None, x)` is None, `fadd(None, x)`
is x), so tangents of constant operands cost nothing and terms that would multiply a zero
by a NaN (log of a negative base in `pow`) are never built.
"""

from __future__ import annotations

import copy
from fractions import Fraction

from ..ir import instructions as I
from ..ir.floats import encode
from ..ir.mangle import mangle
from ..ir.types import (ArrayType, FunctionType, IdentifiedStructType, PointerType, StructType,
                        VectorType, I1)
from ..ir.values import (ConstantAggregate, ConstantFP, ConstantInt, ConstantNull,
                         ZeroInitializer)
from .sincos import fusable_partner


def zero_of(t):
    """The zero tangent of type `t` as a constant."""
    if t.is_float and not isinstance(t, VectorType):
        return ConstantFP(t, 0)  # +0.0 is all zero bits in every float format
    if isinstance(t, PointerType):
        return ConstantNull(t)
    if t.is_int:
        return ConstantInt(t, 0)
    if isinstance(t, (VectorType, ArrayType, StructType, IdentifiedStructType)):
        return ZeroInitializer(t)
    raise TypeError(f"no zero of {t!r}")


def adjoint_zero(t):
    """The empty adjoint of type `t`: -0.0 in every float (x + -0.0 is x for every x, so
    LLVM folds the first addition into an adjoint away; x + +0.0 is not -0.0 for x = -0.0
    and stays), 0 elsewhere."""
    if isinstance(t, (StructType, IdentifiedStructType)):
        return ConstantAggregate(t, [adjoint_zero(e) for e in t.elems])
    if isinstance(t, (VectorType, ArrayType)):
        e = adjoint_zero(t.elem)
        return ConstantAggregate(t, [e] * t.count) if isinstance(e, ConstantFP) or \
            isinstance(t.elem, (StructType, IdentifiedStructType, ArrayType)) else zero_of(t)
    if t.is_float:
        return ConstantFP(t, encode(Fraction(0), t, negative_zero=True))
    return zero_of(t)


_FP_BITS: dict = {}  # (float type, value, is -0.0) -> its encoding: rules repeat 1.0, 0.5, ...


def float_constant(t, value: float):
    """`value` as a constant of float type `t`, splatted for vectors."""
    if isinstance(t, VectorType):
        e = float_constant(t.elem, value)
        return ConstantAggregate(t, [e] * t.count)
    key = (t, value, value == 0 and str(value)[0] == "-")
    bits = _FP_BITS.get(key)
    if bits is None:
        bits = _FP_BITS[key] = encode(Fraction(value), t, negative_zero=key[2])
    return ConstantFP(t, bits)


def int_constant(t, value: int):
    if isinstance(t, VectorType):
        return ConstantAggregate(t, [ConstantInt(t.elem, value)] * t.count)
    return ConstantInt(t, value)


def _i1_like(t):
    return VectorType(t.count, I1) if isinstance(t, VectorType) else I1


class TangentBuilder:
    """Emits the tangent code of one primal instruction into a block of the tangent
    function. `inst` is the original instruction, `result` its primal value in the tangent
    function."""

    def __init__(self, fs, inst, result, block):
        self.fs = fs  # the FunctionSynthesis in progress (module, declarations, errors)
        self.inst = inst
        self.result = result
        self.template = result  # what `clone` copies
        self.block = block

    # ------------------------------------------------------------------ basics
    def emit(self, inst):
        return self.block.append(inst)

    def error(self, cls, message: str):
        raise self.fs.error(cls, self.inst, message)

    zero = staticmethod(zero_of)

    def const(self, like, value: float):
        """A float constant of the type of `like` (a value or a type)."""
        t = like if not hasattr(like, "type") else like.type
        return float_constant(t, value)

    def materialize(self, v, t):
        """`v`, or the zero of `t` when `v` is None."""
        return zero_of(t) if v is None else v

    def clone(self, ops, type=None):
        """A copy of the primal instruction (flags, alignment, indices, metadata) with
        other operands, emitted; e.g. the same GEP applied to a shadow pointer."""
        c = copy.copy(self.template)
        c.ops = list(ops)
        c.flags = list(c.flags)
        c.md = [(k, m) for k, m in c.md if k not in ("dbg", "range", "nonnull", "noundef")]
        c.name = None
        if type is not None:
            c.type = type
        if isinstance(c, I.Call):
            c.opcode = "call"  # a copy of an `invoke` does not unwind (nor end the block)
            c.normal = c.unwind = None
            c.arg_attrs = [[] for _ in ops]
            c.fn_attrs = []
            c.ret_attrs = []
            c.tail = ""
            c.bundles = []
        return self.emit(c)

    # ------------------------------------------------------------ arithmetic
    def binop(self, opcode, a, b):
        return self.emit(I.BinaryOp(opcode, a.type, [a, b]))

    def fadd(self, a, b):
        if a is None:
            return b
        if b is None:
            return a
        return self.binop("fadd", a, b)

    def fsub(self, a, b):
        if b is None:
            return a
        if a is None:
            return self.fneg(b)
        return self.binop("fsub", a, b)

    def fmul(self, a, b):
        if a is None or b is None:
            return None
        return self.binop("fmul", a, b)

    def fdiv(self, a, b):
        if a is None:
            return None
        if b is None:
            raise ValueError("fdiv by a zero tangent")
        return self.binop("fdiv", a, b)

    def fneg(self, a):
        if a is None:
            return None
        return self.emit(I.UnaryOp("fneg", a.type, [a]))

    def fcmp(self, predicate, a, b):
        return self.emit(I.Compare("fcmp", _i1_like(a.type), [a, b], predicate))

    def select(self, cond, a, b, type=None):
        if a is None and b is None:
            return None
        t = type or (a.type if a is not None else b.type)
        return self.emit(I.Select("select", t, [cond, self.materialize(a, t),
                                                self.materialize(b, t)]))

    def cast(self, opcode, type, v):
        if v is None:
            return None
        return self.emit(I.Cast(opcode, type, [v]))

    # ----------------------------------------------------------------- calls
    def call(self, callee, args, ret=None, flags=None):
        fn_type = callee.fn_type
        c = I.Call("call", fn_type.ret if ret is None else ret, fn_type, callee, list(args),
                   [[] for _ in args], flags=list(flags or []))
        self.emit(c)
        self._note_partner(c)
        return c

    def _note_partner(self, c):
        """cos(x) made for the tangent of sin(x), or sin(x) for cos(x), in the block of
        the primal call's copy: noted for sincos.py to compute both in one call."""
        r = self.result
        if type(r) is I.Call and len(c.ops) == 1 and c.ops[0] is r.ops[0] \
                and r.parent is self.block and fusable_partner(self.fs.module, r, c.callee):
            self.fs.__dict__.setdefault("sincos_pairs", {}).setdefault(id(r), (r, c))

    def intrinsic(self, base: str, overloads, ret, args, flags=None):
        """`call @llvm.<base>.<mangled overloads>(args)`, declared on first use."""
        name = "llvm." + base + "".join("." + mangle(t) for t in overloads)
        fn = self.fs.declare(name, FunctionType(ret, [a.type for a in args]))
        return self.call(fn, args, flags=flags)

    def operand_partner(self):
        """cos(x) for the call sin(x) being differentiated (sin(x) for cos(x)) when it can
        be had without x (reverse mode: ReverseBuilder), else None."""
        return None

    def libcall(self, name: str, ret, args):
        """A call of the C library function `name` (declared on first use)."""
        fn = self.fs.declare(name, FunctionType(ret, [a.type for a in args]))
        return self.call(fn, args)

    def helper(self, name: str, text: str):
        """The internal function `@name` defined by `text` (textual IR of one function and
        the declarations it calls), added to the module on first use; e.g. a special
        function a derivative needs that no library provides (digamma)."""
        f = self.fs.module.symbols.get(name)
        if f is not None:
            return f
        from ..ir.module import Function
        from ..ir.parser import parse

        src = parse(text, f"<helper {name}>")
        f = src.get_function(name)
        for blk in f.blocks:
            for inst in blk.instructions:
                callee = getattr(inst, "callee", None)
                if isinstance(inst, I.Call) and isinstance(callee, Function):
                    inst.callee = self.fs.declare(callee.name, callee.fn_type)
        f.pre = ["internal"]
        self.fs.module.functions.append(f)
        self.fs.module.symbols[name] = f
        return f

    def unary(self, base, x):
        """`llvm.<base>` of x (sin, cos, exp, log, ... on scalars and vectors)."""
        return self.intrinsic(base, [x.type], x.type, [x])

    def sign(self, x):
        """copysign(1, x): the sign of x as +-1.0 (lane-wise)."""
        return self.intrinsic("copysign", [x.type], x.type, [self.const(x, 1.0), x])
