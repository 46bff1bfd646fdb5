"""Instructions of LangRef 7..23, one class per syntactic family.

Common fields: `opcode`, `type` (result type; VOID for none), `ops` (value operands),
`flags` (keywords such as nuw/nsw/exact/disjoint/nneg/samesign, fast-math flags, GEP
inbounds/nusw/nuw, volatile), `md` (attachments: list of (kind, Metadata)), `parent`
(the BasicBlock). Block successors are fields, not operands.
"""

from __future__ import annotations

from operator import attrgetter

from .types import VOID, Type
from .values import Value

FAST_MATH_FLAGS = ("fast", "nnan", "ninf", "nsz", "arcp", "contract", "afn", "reassoc")
INT_BINARY = ("add", "sub", "mul", "udiv", "sdiv", "urem", "srem", "shl", "lshr", "ashr",
              "and", "or", "xor")
FLOAT_BINARY = ("fadd", "fsub", "fmul", "fdiv", "frem")
CASTS = ("trunc", "zext", "sext", "fptrunc", "fpext", "fptoui", "fptosi", "uitofp", "sitofp",
         "ptrtoint", "ptrtoaddr", "inttoptr", "bitcast", "addrspacecast")
TERMINATORS = ("ret", "br", "switch", "indirectbr", "invoke", "callbr", "resume",
               "unreachable", "catchswitch", "catchret", "cleanupret")
_TERMINATOR_SET = frozenset(TERMINATORS)
# The metadata attachments of an instruction without any: shared, so it is replaced by a
# list when one is added, never appended to.
NO_MD: tuple = ()


class Instruction(Value):
    __slots__ = ("opcode", "ops", "flags", "md", "parent", "__dict__")

    def __init__(self, opcode: str, type: Type, ops: list | None = None, flags=None,
                 name: str | None = None):
        self.type = type  # Value.__init__, inlined: every derivative builds many instructions
        self.name = name
        self.opcode = opcode
        self.ops = ops if ops is not None else []
        self.flags = flags if flags is not None else []
        self.md = NO_MD
        self.parent = None

    @property
    def is_terminator(self) -> bool:
        return self.opcode in _TERMINATOR_SET

    def successors(self) -> list:
        return []

    def __repr__(self):
        return f"<{self.opcode} {self.name or ''}>"


class BinaryOp(Instruction):
    pass


class UnaryOp(Instruction):
    pass


class Cast(Instruction):
    """`type` is the destination type; ops[0] the value."""


class Compare(Instruction):
    def __init__(self, opcode, type, ops, predicate: str, flags=None, name=None):
        # Instruction.__init__, inlined (see there)
        self.type, self.name, self.opcode, self.ops = type, name, opcode, ops
        self.flags = flags if flags is not None else []
        self.md, self.parent = NO_MD, None
        self.predicate = predicate


class Select(Instruction):
    pass


class Phi(Instruction):
    """ops[i] flows in from blocks[i]."""

    def __init__(self, type, ops, blocks, flags=None, name=None):
        # Instruction.__init__, inlined (see there)
        self.type, self.name, self.opcode, self.ops = type, name, "phi", ops
        self.flags = flags if flags is not None else []
        self.md, self.parent = NO_MD, None
        self.blocks = blocks


class Freeze(Instruction):
    pass


class Alloca(Instruction):
    """ops: [count] when an explicit element count was written."""

    def __init__(self, type, allocated_type, ops, align=None, addrspace=None, flags=None,
                 name=None):
        # Instruction.__init__, inlined (see there)
        self.type, self.name, self.opcode, self.ops = type, name, "alloca", ops
        self.flags = flags if flags is not None else []
        self.md, self.parent = NO_MD, None
        self.allocated_type = allocated_type
        self.align = align
        self.addrspace = addrspace


class Load(Instruction):
    """ops: [ptr]; `ordering` set for atomic loads."""

    def __init__(self, type, ops, align=None, ordering=None, syncscope=None, flags=None,
                 name=None):
        # Instruction.__init__, inlined (see there)
        self.type, self.name, self.opcode, self.ops = type, name, "load", ops
        self.flags = flags if flags is not None else []
        self.md, self.parent = NO_MD, None
        self.align = align
        self.ordering = ordering
        self.syncscope = syncscope


class Store(Instruction):
    """ops: [value, ptr]."""

    def __init__(self, ops, align=None, ordering=None, syncscope=None, flags=None):
        # Instruction.__init__, inlined (see there)
        self.type, self.name, self.opcode, self.ops = VOID, None, "store", ops
        self.flags = flags if flags is not None else []
        self.md, self.parent = NO_MD, None
        self.align = align
        self.ordering = ordering
        self.syncscope = syncscope


class GetElementPtr(Instruction):
    """ops: [ptr, *indices]; `inrange` is None, a (lo, hi) pair (19+ spelling) or the
    position of the old `inrange` index."""

    def __init__(self, type, source_type, ops, flags=None, inrange=None, name=None):
        # Instruction.__init__, inlined (see there)
        self.type, self.name, self.opcode, self.ops = type, name, "getelementptr", ops
        self.flags = flags if flags is not None else []
        self.md, self.parent = NO_MD, None
        self.source_type = source_type
        self.inrange = inrange


class ExtractElement(Instruction):
    pass


class InsertElement(Instruction):
    pass


class ShuffleVector(Instruction):
    """ops: [a, b, mask] with the mask a constant vector of i32."""


class ExtractValue(Instruction):
    def __init__(self, type, ops, indices, name=None):
        # Instruction.__init__, inlined (see there)
        self.type, self.name, self.opcode, self.ops = type, name, "extractvalue", ops
        self.flags = []
        self.md, self.parent = NO_MD, None
        self.indices = indices


class InsertValue(Instruction):
    def __init__(self, type, ops, indices, name=None):
        # Instruction.__init__, inlined (see there)
        self.type, self.name, self.opcode, self.ops = type, name, "insertvalue", ops
        self.flags = []
        self.md, self.parent = NO_MD, None
        self.indices = indices


class AtomicRMW(Instruction):
    """ops: [ptr, value]."""

    def __init__(self, type, operation, ops, ordering, syncscope=None, align=None, flags=None,
                 name=None):
        super().__init__("atomicrmw", type, ops, flags, name)
        self.operation = operation
        self.ordering = ordering
        self.syncscope = syncscope
        self.align = align


class CmpXchg(Instruction):
    """ops: [ptr, cmp, new]; result type is { T, i1 }."""

    def __init__(self, type, ops, success, failure, syncscope=None, align=None, flags=None,
                 name=None):
        super().__init__("cmpxchg", type, ops, flags, name)
        self.success = success
        self.failure = failure
        self.syncscope = syncscope
        self.align = align


class Fence(Instruction):
    def __init__(self, ordering, syncscope=None):
        super().__init__("fence", VOID, [])
        self.ordering = ordering
        self.syncscope = syncscope


class VAArg(Instruction):
    pass


class Call(Instruction):
    """call / invoke / callbr. `args` are ops; per-argument attributes in `arg_attrs`.

    `fn_type` is the callee's function type; `callee` a Value (Function, InlineAsm,
    a pointer, a constant expression). `tail` is '', 'tail', 'musttail' or 'notail'."""

    def __init__(self, opcode, type, fn_type, callee, ops, arg_attrs, flags=None, name=None):
        # Instruction.__init__, inlined (see there)
        self.type, self.name, self.opcode, self.ops = type, name, opcode, ops
        self.flags = flags if flags is not None else []
        self.md, self.parent = NO_MD, None
        self.fn_type = fn_type
        self.callee = callee
        self.arg_attrs = arg_attrs
        self.ret_attrs = []
        self.fn_attrs = []
        self.cconv = None
        self.addrspace = None
        self.tail = ""
        self.bundles = []  # list of (tag string, [Value])
        self.normal = None  # invoke / callbr
        self.unwind = None  # invoke
        self.indirect = []  # callbr

    args = property(attrgetter("ops"), doc="the call's arguments: its `ops`")

    @property
    def callee_name(self) -> str | None:
        from .module import Function

        c = self.callee
        return c.name if isinstance(c, Function) else None

    def successors(self):
        if self.opcode == "invoke":
            return [self.normal, self.unwind]
        if self.opcode == "callbr":
            return [self.normal] + list(self.indirect)
        return []


class LandingPad(Instruction):
    def __init__(self, type, cleanup, clauses, name=None):
        super().__init__("landingpad", type, [c for _, c in clauses], None, name)
        self.cleanup = cleanup
        self.kinds = [k for k, _ in clauses]


class FuncletPad(Instruction):
    """catchpad / cleanuppad: ops = [parent pad or `none`, *args]."""


class Ret(Instruction):
    def __init__(self, ops):
        # Instruction.__init__, inlined (see there)
        self.type, self.name, self.opcode, self.ops = VOID, None, "ret", ops
        self.flags = []
        self.md, self.parent = NO_MD, None


class Br(Instruction):
    """Unconditional: targets = [dest]; conditional: ops = [cond], targets = [t, f]."""

    def __init__(self, ops, targets):
        # Instruction.__init__, inlined (see there)
        self.type, self.name, self.opcode, self.ops = VOID, None, "br", ops
        self.flags = []
        self.md, self.parent = NO_MD, None
        self.targets = targets

    def successors(self):
        return list(self.targets)


class Switch(Instruction):
    """ops: [cond]; cases: list of (ConstantInt, block)."""

    def __init__(self, ops, default, cases):
        # Instruction.__init__, inlined (see there)
        self.type, self.name, self.opcode, self.ops = VOID, None, "switch", ops
        self.flags = []
        self.md, self.parent = NO_MD, None
        self.default = default
        self.cases = cases

    def successors(self):
        return [self.default] + [b for _, b in self.cases]


class IndirectBr(Instruction):
    def __init__(self, ops, dests):
        super().__init__("indirectbr", VOID, ops)
        self.dests = dests

    def successors(self):
        return list(self.dests)


class Resume(Instruction):
    pass


class Unreachable(Instruction):
    pass


class CatchSwitch(Instruction):
    """ops: [parent pad or none]."""

    def __init__(self, type, ops, handlers, unwind, name=None):
        super().__init__("catchswitch", type, ops, None, name)
        self.handlers = handlers
        self.unwind = unwind  # block or None (to caller)

    def successors(self):
        return list(self.handlers) + ([self.unwind] if self.unwind else [])


class CatchRet(Instruction):
    def __init__(self, ops, target):
        super().__init__("catchret", VOID, ops)
        self.target = target

    def successors(self):
        return [self.target]


class CleanupRet(Instruction):
    def __init__(self, ops, unwind):
        super().__init__("cleanupret", VOID, ops)
        self.unwind = unwind

    def successors(self):
        return [self.unwind] if self.unwind else []


class DebugRecord(Instruction):
    """`#dbg_value(...)`, `#dbg_declare(...)`, `#dbg_assign(...)`, `#dbg_label(...)` (19+).

    `kind` is value/declare/assign/label; `args` the metadata operands in order
    (location last). Printed as a record, or as the matching `llvm.dbg.*` call for
    releases before 19."""

    def __init__(self, kind: str, args: list):
        super().__init__("#dbg", VOID, [])
        self.kind = kind
        self.args = args


def shallow_copy(inst: Instruction) -> Instruction:
    """What `copy.copy(inst)` makes (fields shared, not copied), without its generic
    reduce protocol: cloning copies every instruction of every function it differentiates.
    (The slots are Value's and Instruction's; the rest of a subclass's fields live in
    `__dict__`.)"""
    cls = type(inst)
    c = cls.__new__(cls)
    try:
        c.type, c.name, c.opcode, c.ops = inst.type, inst.name, inst.opcode, inst.ops
        c.flags, c.md, c.parent = inst.flags, inst.md, inst.parent
    except AttributeError:  # a slot never set stays unset, as copy.copy leaves it
        for n in ("type", "name", "opcode", "ops", "flags", "md", "parent"):
            if hasattr(inst, n):
                setattr(c, n, getattr(inst, n))
    c.__dict__.update(inst.__dict__)
    return c


def value_operands(inst: Instruction):
    """Every Value an instruction reads, in a stable order (ops, callee, bundle inputs)."""
    yield from inst.ops
    if isinstance(inst, Call):
        yield inst.callee
        for _, vals in inst.bundles:
            yield from vals


def become(inst: Instruction, model: Instruction) -> None:
    """Turns `inst` into `model` in place (class, opcode, type, operands, flags and
    fields; its name and block stay): whatever uses `inst` then uses `model`'s value,
    with no use lists to walk."""
    inst.__class__ = type(model)
    inst.type, inst.opcode, inst.ops = model.type, model.opcode, model.ops
    inst.flags, inst.md = model.flags, model.md
    inst.__dict__.clear()
    inst.__dict__.update(model.__dict__)
