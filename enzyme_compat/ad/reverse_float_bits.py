"""Reverse mode: integers that hold the bits of a float (clang -O2 copies a double as
`load i64`/`store i64`, unions pun through integers). Their adjoint is a float of the same
width, carried through loads, stores, bitcasts, phis, selects and freezes; any other use
would lose it and is refused. A mixin of GradientSynthesis."""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.types import DOUBLE, FLOAT, HALF
from .builder import zero_of
from .errors import UnsupportedInstructionError
from .types_analysis import FLOAT as FLOAT_BITS, holds_float

_FLOAT_OF_WIDTH = {64: DOUBLE, 32: FLOAT, 16: HALF}
# the instructions whose integer result may be the bits of a float (IntegerBits.kind
# answers INT for any other integer)
_CARRIERS = (I.Load, I.Cast, I.Phi, I.Select, I.Freeze, I.ExtractValue, I.AtomicRMW)


def _bits_carriers(fn) -> frozenset:
    """The ids of the instructions of `fn` that may hold the bits of a float: integers
    (scalars or vectors) that a load, a bitcast, a phi, a select, a freeze, an
    extractvalue or an atomicrmw makes. Most functions have none."""
    return frozenset(id(i) for b in fn.blocks for i in b.instructions
                     if isinstance(i, _CARRIERS) and i.type.scalar.is_int
                     and (i.opcode == "bitcast" or not isinstance(i, I.Cast)))


class FloatBits:
    def adjoint_type(self, v):
        """The type of `v`'s adjoint: its own for floats, the float of the same width for
        an integer that holds a float's bits (memcpy of a double at -O2 is `load i64` /
        `store i64`), None for other values."""
        if v.type.is_pointer:
            return None
        if holds_float(v.type):
            return v.type
        t = self.float_bits_types.get(v, False)
        if t is False:
            t = _FLOAT_OF_WIDTH.get(getattr(v.type, "bits", None)) \
                if isinstance(v, I.Instruction) and self.integer_bits.kind(v) == FLOAT_BITS else None
            self.float_bits_types[v] = t
        return t

    def _check_float_bits_uses(self, inst):
        """An integer holding a float's bits carries its adjoint through loads, stores,
        bitcasts, phis, selects and freezes; any other use (integer arithmetic on the bits,
        a call, a return) would lose it, so it is refused. (Atomics have rules of their
        own.)"""
        bits = self.__dict__.get("_bits_carriers")
        if bits is None:
            bits = self._bits_carriers = _bits_carriers(self.primal)
        if not bits:
            return
        if isinstance(inst, (I.Store, I.Phi, I.Freeze, I.Compare, I.CmpXchg, I.AtomicRMW)) or \
                isinstance(inst, I.Cast) and inst.opcode == "bitcast":
            return
        ops = inst.ops[1:] if isinstance(inst, I.Select) else \
            inst.args if isinstance(inst, I.Call) else inst.ops
        for v in ops:
            if id(v) in bits and self.has_adjoint(v):
                raise self.error(UnsupportedInstructionError, inst,
                                 f"the bits of a float, as the integer %{v.name}, are used by "
                                 f"`{inst.opcode}`: their derivative would be lost (only "
                                 "loads, stores, bitcasts, phis and selects of such bits are "
                                 "supported)")

    def _route_float_bits(self, inst, dy):
        """select/freeze of integers holding float bits: their adjoint (a float) goes to
        the operand the value came from."""
        if isinstance(inst, I.Freeze):
            self.add_adjoint(inst.ops[0], dy)
            return
        cond = self.fwd(self.new(inst.ops[0]))
        zero = zero_of(dy.type)
        self.add_adjoint(inst.ops[1], self.remit(I.Select("select", dy.type, [cond, dy, zero])))
        self.add_adjoint(inst.ops[2], self.remit(I.Select("select", dy.type, [cond, zero, dy])))
