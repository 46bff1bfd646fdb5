"""Which values and memory hold floats.

Value types say it for SSA values in typed and opaque IR alike (every load and store
names its type). Memory copies (memcpy/memmove/memset, integer loads and stores of
doubles) move shadow bytes wholesale, which is right in forward mode whatever the bytes
hold. The one place forward mode must know what raw bytes are is an integer operation on
bits that came out of shadowed memory or from a float (`IntegerBits`): integer
arithmetic has no derivative, so dropping the tangent is right only for real integers.
"""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.types import I8, ArrayType, IdentifiedStructType, PointerType, StructType, VectorType
from ..ir.values import Constant, ConstantExpr, ConstantInt, MDRef, MDString, MDTuple


def holds_float(t) -> bool:
    """Whether a value of type `t` contains a floating-point number somewhere."""
    if t.is_float:
        return True
    if isinstance(t, (ArrayType, VectorType)):
        return holds_float(t.elem)
    if isinstance(t, (StructType, IdentifiedStructType)):
        return any(holds_float(e) for e in t.elems)
    return False


def holds_pointer(t) -> bool:
    if isinstance(t, PointerType):
        return True
    if isinstance(t, (ArrayType, VectorType)):
        return holds_pointer(t.elem)
    if isinstance(t, (StructType, IdentifiedStructType)):
        return any(holds_pointer(e) for e in t.elems)
    return False


def carries_tangent(t) -> bool:
    """Whether a value of type `t` can carry a derivative (floats) or a shadow (pointers)."""
    return holds_float(t) or holds_pointer(t)


def is_integer_like(t) -> bool:
    """Integers and vectors of integers: they carry no derivative of their own, but loaded
    from shadowed memory they may be copies of float bits (moved as shadow bits)."""
    return t.scalar.is_int


# ------------------------------------------------------------- bits of integer values
FLOAT, INT, UNKNOWN = "float", "int", "unknown"

# TBAA scalar type names (clang's; C and C++) -> what the bytes hold
_TBAA_FLOAT = ("double", "float", "long double", "_Float16", "__fp16", "__bf16", "half")
_TBAA_UNKNOWN = ("omnipotent char", "Simple C/C++ TBAA", "Simple C++ TBAA",
                 "vtable pointer")


def _tbaa_kind(name: str) -> str:
    if name in _TBAA_FLOAT:
        return FLOAT
    if name in _TBAA_UNKNOWN or name.startswith("_ZTS"):  # C++ structs: a field of it
        return UNKNOWN
    return INT  # int, long, short, char (signed/unsigned), _Bool, pointers ("p1 int")


class IntegerBits:
    """Type analysis of one function for the values forward mode must not drop: does an
    integer that carries shadow bits (loaded from memory with a shadow, a bitcast of a
    float) hold the bits of a float? Answers FLOAT, INT or UNKNOWN, from

    - TBAA on the load (the C type of the lvalue: `int`, `long`, `double`, ...);
    - `!range` metadata on the load (rustc: a capacity, a bool, an enum's tag);
    - the type of the field a typed GEP addresses (`getelementptr %struct.S, ptr %p,
      i32 0, i32 2` is an `i32` field);
    - bitcasts of floats, and the declared element types of aggregates;
    - allocas whose type holds no float and that nothing copies bytes into.

    Anything else is UNKNOWN: the caller reports it (naming the instruction) unless
    `--loose-types` lets it treat the bits as an integer.
    """

    def __init__(self, module, function, activity):
        self.module = module
        self.function = function
        self.activity = activity
        self._md = None
        self._copied_into = None
        self._exchanges: dict = {}  # atomic exchange -> the kind of the bits it returns
        self._writes = None  # id(pointer) -> the values this function writes through it
        self._users = None  # id(value) -> the instructions using it
        self._float_reads = None  # id(pointer) of each float load's address
        self._fields_checked: set = set()  # allocas whose stores are being looked at

    def kind(self, v, depth: int = 0) -> str:
        if depth > 32:
            return UNKNOWN
        if isinstance(v, Constant) or not v.type.scalar.is_int:
            return INT if not holds_float(v.type) else FLOAT
        if isinstance(v, I.Cast) and v.opcode == "bitcast":
            src = v.ops[0]
            return FLOAT if holds_float(src.type) else self.kind(src, depth + 1)
        if isinstance(v, (I.Phi, I.Select, I.Freeze)):
            ops = v.ops[1:] if isinstance(v, I.Select) else v.ops
            kinds = {self.kind(o, depth + 1) for o in ops}
            return FLOAT if FLOAT in kinds else UNKNOWN if UNKNOWN in kinds else INT
        if isinstance(v, I.Load):
            kind = self._load(v)
            if kind == UNKNOWN and (self._bitcast_to_float(v) or self._copied_to_float(v)):
                return FLOAT
            return kind
        if isinstance(v, I.ExtractValue) and isinstance(v.ops[0], I.CmpXchg) \
                and v.indices == [0]:
            return self._exchanged(v.ops[0], depth)
        if isinstance(v, I.AtomicRMW) and v.operation == "xchg":
            return self._exchanged(v, depth)
        if isinstance(v, (I.ExtractValue, I.ExtractElement)):
            return INT  # an integer element of a typed aggregate or vector
        if isinstance(v, I.Instruction) and v.opcode not in ("atomicrmw", "cmpxchg"):
            return INT  # integer arithmetic, calls returning integers, arguments
        return INT if not isinstance(v, I.Instruction) else UNKNOWN

    def _bitcast_to_float(self, v) -> bool:
        """Some user of `v` reinterprets it as a float (clang -O2 copies a double through
        `load i64` and uses the bits as a double too)."""
        if self._users is None:
            self._users = self.function.operand_users()
        return any(isinstance(u, I.Cast) and u.opcode == "bitcast" and holds_float(u.type)
                   for u in self._users.get(id(v), ()))

    def _copied_to_float(self, v) -> bool:
        """`v` is only stored (a copy: clang -O2 moves a memcpy'd double as `load i64` /
        `store i64`) and some destination is float memory: a local array of floats, a typed
        field or pointee that is a float, or a location the function stores floats into."""
        self._bitcast_to_float(v)  # builds the users map
        users = self._users.get(id(v), ())
        if not users or not all(isinstance(u, I.Store) and u.ops[0] is v for u in users):
            return False
        for store in users:
            dst = store.ops[1]
            source = _cast_source_pointee(dst)
            field = self._gep_field_type(dst)
            objs = self.activity.underlying_objects(dst)
            if (source is not None and source.scalar.is_float) or \
                    (field is not None and field.scalar.is_float) or self._float_written_to(dst) \
                    or self._float_read_from(dst) \
                    or objs and all(isinstance(o, I.Alloca) and _only_floats(o.allocated_type)
                                    for o in objs):
                return True
        return False

    def _exchanged(self, inst, depth) -> str:
        """The old value an atomic exchange returns (a compare-and-swap loop of C11
        `_Atomic double`): the location's bits, of the kind of the values written there
        and of the memory itself."""
        known = self._exchanges.get(inst)
        if known is not None:
            return known
        self._exchanges[inst] = INT  # a loop back to itself adds nothing
        kinds = {self.kind(o, depth + 1) for o in inst.ops[1:]}
        kinds.add(self._memory_kind(inst, inst.ops[0], inst.ops[1].type))
        if isinstance(inst, I.CmpXchg) and FLOAT not in kinds and INT in kinds:
            kind = INT  # compared with or replaced by a known integer
        else:
            kind = FLOAT if FLOAT in kinds else UNKNOWN if UNKNOWN in kinds else INT
        self._exchanges[inst] = kind
        return kind

    # ---------------------------------------------------------------- loads
    def _load(self, load) -> str:
        return self._memory_kind(load, load.ops[0], load.type)

    def _memory_kind(self, inst, ptr, value_type) -> str:
        """What the integer `inst` reads (a load, an atomic exchange) holds: TBAA, the
        pointee a typed pointer had before a bitcast (`bitcast double* to i64*`), a typed
        field, or allocations of integers only."""
        name = self._tbaa_name(inst)
        if name is not None:
            k = _tbaa_kind(name)
            if k != UNKNOWN:
                return k
        source = _cast_source_pointee(ptr)
        if source is not None and source.scalar.is_float:
            return FLOAT
        if self._float_written_to(ptr) or self._float_read_from(ptr):
            return FLOAT
        if any(k == "range" for k, _ in inst.md):
            return INT  # a value range (rustc's `!range` on a Vec's capacity, a bool, an
            # enum's tag): front ends state them for integers, never for a float's bits
        field = self._gep_field_type(ptr)
        if field is not None:
            if field.scalar.is_float:
                return FLOAT
            if field.scalar.is_int and field == value_type:
                return INT
        field = self._byte_field_type(ptr)
        if field is not None and field == value_type:
            return INT
        objs = self.activity.underlying_objects(ptr)
        if objs and all(self._plain_integer_object(o) for o in objs):
            return INT
        return UNKNOWN

    def _float_written_to(self, ptr) -> bool:
        """Whether this function writes float bits through the same pointer (a store, an
        atomic exchange or compare-and-swap of a float or of a float's bits)."""
        if self._writes is None:
            self._writes = {}
            for b in self.function.blocks:
                for i in b.instructions:
                    if isinstance(i, I.Store):
                        dst, vals = i.ops[1], [i.ops[0]]
                    elif isinstance(i, I.CmpXchg):
                        dst, vals = i.ops[0], [i.ops[2]]
                    elif isinstance(i, I.AtomicRMW) and i.operation == "xchg":
                        dst, vals = i.ops[0], [i.ops[1]]
                    else:
                        continue
                    self._writes.setdefault(id(_strip_bitcasts(dst)), []).extend(vals)
        for v in self._writes.get(id(_strip_bitcasts(ptr)), ()):
            if holds_float(v.type) or (isinstance(v, I.Cast) and v.opcode == "bitcast"
                                       and holds_float(v.ops[0].type)):
                return True
        return False

    def _float_read_from(self, ptr) -> bool:
        """Whether this function also loads a float through the same pointer (clang -O2
        copies a double as `load i64` and reads the copy back as a double)."""
        if self._float_reads is None:
            self._float_reads = set()
            for b in self.function.blocks:
                for i in b.instructions:
                    if isinstance(i, I.Load) and holds_float(i.type):
                        self._float_reads.add(id(_strip_bitcasts(i.ops[0])))
        return id(_strip_bitcasts(ptr)) in self._float_reads

    def _byte_field_type(self, ptr):
        """The integer field of a local struct a byte offset addresses (`getelementptr i8,
        ptr %s, i64 40` into `alloca {ptr, ptr, i64, i64, ptr, [1 x i64], [1 x i64]}`,
        numba's array structure filled by a callee): its declared type, when nothing copies
        bytes or stores floats into the alloca."""
        from .tape import store_size

        ptr = _strip_bitcasts(ptr)
        if not (isinstance(ptr, I.GetElementPtr) and len(ptr.ops) == 2
                and ptr.source_type == I8 and isinstance(ptr.ops[1], ConstantInt)):
            return None
        obj = _strip_bitcasts(ptr.ops[0])
        if not isinstance(obj, I.Alloca):
            return None
        offset = ptr.ops[1].value
        t = _leaf_at(obj.allocated_type, offset)
        if t is None or not t.scalar.is_int:
            return None
        busy = self._fields_checked
        if obj in busy:  # a stored value read back from the same alloca: undecided
            return None
        busy.add(obj)
        try:
            return t if self._field_untouched(obj, offset, store_size(t)) else None
        finally:
            busy.discard(obj)

    def _field_untouched(self, obj, offset: int, size: int) -> bool:
        """No copy into alloca `obj`, and no store of a value that may be a float over
        its bytes [offset, offset + size) (LLVM's stack coloring gives one alloca to
        several locals whose lifetimes do not meet: a double slot at byte 0 leaves the
        integer at byte 40 alone)."""
        from .tape import store_size

        for b in self.function.blocks:
            for i in b.instructions:
                if isinstance(i, I.Call) and getattr(i.callee, "name", "").startswith(
                        ("llvm.memcpy", "llvm.memmove")):
                    if obj in self.activity.underlying_objects(i.args[0]):
                        return False
                if not isinstance(i, I.Store) or self.kind(i.ops[0], 30) == INT \
                        or obj not in self.activity.underlying_objects(i.ops[1]):
                    continue
                dst, at = _strip_bitcasts(i.ops[1]), None
                if dst is obj:
                    at = 0
                elif isinstance(dst, I.GetElementPtr) and len(dst.ops) == 2 \
                        and dst.source_type == I8 and isinstance(dst.ops[1], ConstantInt) \
                        and _strip_bitcasts(dst.ops[0]) is obj:
                    at = dst.ops[1].value
                if at is None or (at < offset + size and offset < at + store_size(
                        i.ops[0].type)):
                    return False
        return True

    def _plain_integer_object(self, obj) -> bool:
        if not isinstance(obj, I.Alloca) or holds_float(obj.allocated_type):
            return False
        if self._copied_into is None:
            self._copied_into = set()
            for b in self.function.blocks:
                for i in b.instructions:
                    if isinstance(i, I.Call) and getattr(i.callee, "name", "").startswith(
                            ("llvm.memcpy", "llvm.memmove")):
                        self._copied_into.update(self.activity.underlying_objects(i.args[0]))
                    elif isinstance(i, I.Store) and self.kind(i.ops[0], 30) != INT:
                        self._copied_into.update(self.activity.underlying_objects(i.ops[1]))
        return obj not in self._copied_into

    def _gep_field_type(self, ptr):
        """The type a typed GEP addresses (its last index into a struct or array)."""
        for _ in range(8):
            if isinstance(ptr, I.Cast) and ptr.opcode == "bitcast":
                ptr = ptr.ops[0]
            else:
                break
        if not isinstance(ptr, I.GetElementPtr) or len(ptr.ops) < 3:
            return None
        t = ptr.source_type
        for idx in ptr.ops[2:]:
            if isinstance(t, (StructType, IdentifiedStructType)):
                if not isinstance(idx, ConstantInt):
                    return None
                t = t.elems[idx.value]
            elif isinstance(t, (ArrayType, VectorType)):
                t = t.elem
            else:
                return None
        return t

    def _tbaa_name(self, inst) -> str | None:
        tag = next((m for k, m in inst.md if k == "tbaa"), None)
        if tag is None:
            return None
        if self._md is None:
            self._md = dict(self.module.numbered_md)

        def resolve(m):
            for _ in range(8):
                if isinstance(m, MDRef):
                    m = self._md.get(m.id)
            return m

        tag = resolve(tag)
        if not isinstance(tag, MDTuple) or len(tag.elems) < 2:
            return None
        access = resolve(tag.elems[1])
        if not isinstance(access, MDTuple):
            return None
        for e in access.elems:
            e = resolve(e)
            if isinstance(e, MDString):
                return e.text.strip('"')
        return None


def _only_floats(t) -> bool:
    """A type whose scalars are all floats (`double`, `[4 x double]`, `{float, float}`)."""

    if isinstance(t, (ArrayType, VectorType)):
        return _only_floats(t.elem)
    if isinstance(t, (StructType, IdentifiedStructType)):
        return bool(t.elems) and all(_only_floats(e) for e in t.elems)
    return t.is_float


def _strip_bitcasts(ptr):
    for _ in range(8):
        if isinstance(ptr, (I.Cast, ConstantExpr)) and ptr.opcode == "bitcast" and ptr.ops:
            ptr = ptr.ops[0]
        else:
            break
    return ptr


def _cast_source_pointee(ptr):
    """Typed pointers: the element type of the pointer a chain of bitcasts started from."""

    seen = None
    for _ in range(8):
        if isinstance(ptr, (I.Cast, ConstantExpr)) and ptr.opcode == "bitcast" and ptr.ops:
            ptr = ptr.ops[0]
            seen = getattr(ptr.type, "pointee", None)
        else:
            break
    return seen


# ------------------------------------------------------------- bytes behind a pointer
def _leaf_types(t, out):
    if isinstance(t, (StructType, IdentifiedStructType)):
        for e in t.elems:
            _leaf_types(e, out)
    elif isinstance(t, (ArrayType, VectorType)):
        _leaf_types(t.elem, out)
    elif t.is_float or isinstance(t, PointerType):
        out.add(t.key())


def _base(v):
    for _ in range(32):
        if isinstance(v, I.GetElementPtr) or (isinstance(v, I.Cast) and v.opcode in (
                "bitcast", "addrspacecast")):
            v = v.ops[0]
        else:
            return v
    return v


def memory_leaves(function, activity, pointer) -> set:
    """The float and pointer types held in the memory `pointer` addresses, from the
    allocations it may point into and every typed access (load, store, GEP) of this
    function through the same base: the keys of those types ("double", ("p", ...))."""

    out: set = set()
    objs = set(activity.underlying_objects(pointer))
    bases = {_base(pointer)} | objs
    for o in objs:
        if isinstance(o, I.Alloca):
            _leaf_types(o.allocated_type, out)
    for b in function.blocks:
        for i in b.instructions:
            if isinstance(i, (I.Load, I.Store)):
                p = i.ops[0] if isinstance(i, I.Load) else i.ops[1]
                t = i.type if isinstance(i, I.Load) else i.ops[0].type
            elif isinstance(i, I.GetElementPtr) and i.source_type.key() != "i8":
                p, t = i.ops[0], i.source_type
            else:
                continue
            if _base(p) in bases or (objs and objs & set(activity.underlying_objects(p))):
                _leaf_types(t, out)
    return out


def _leaf_at(t, offset: int):
    """The scalar type that starts at byte `offset` of aggregate type `t` (64-bit layout),
    None when the offset falls inside a leaf, in padding or outside `t`."""
    from .tape import alloc_size, store_size

    for _ in range(16):
        if offset < 0:
            return None
        if isinstance(t, (StructType, IdentifiedStructType)):
            at = 0
            for e in t.elems:
                a = 1 if getattr(t, "packed", False) else _abi_align(e)
                at = (at + a - 1) // a * a
                if at <= offset < at + store_size(e):
                    t, offset = e, offset - at
                    break
                at += store_size(e)
            else:
                return None
        elif isinstance(t, ArrayType):
            step = alloc_size(t.elem)
            if step <= 0 or offset >= t.count * step:
                return None
            t, offset = t.elem, offset % step
        else:
            return t if offset == 0 else None
    return None


def _abi_align(t) -> int:
    """A field's alignment as `tape.store_size` lays structs out (the largest scalar's
    size, at most 16)."""
    from .tape import store_size

    if isinstance(t, (StructType, IdentifiedStructType)):
        return max((_abi_align(e) for e in t.elems), default=1)
    if isinstance(t, ArrayType):
        return _abi_align(t.elem)
    return min(max(store_size(t), 1), 16)


def _caller_leaves(module, function, pointer, depth=0) -> set:
    """Interprocedural: when `pointer` is based on a parameter of `function`, the types
    the callers' arguments for that parameter hold (their allocations, globals and typed
    accesses), through up to three levels of calls."""
    from ..ir.module import GlobalVariable
    from ..ir.values import Argument

    base = _base(pointer)
    if module is None or depth > 3 or not isinstance(base, Argument):
        return set()
    target = module.symbols.get(function.name)
    out: set = set()
    for caller in module.functions:
        for b in caller.blocks:
            for call in b.instructions:
                if not isinstance(call, I.Call) or _base(call.callee) is not target \
                        or base.index >= len(call.args):
                    continue
                actual = call.args[base.index]
                abase = _base(actual)
                if isinstance(abase, I.Alloca):
                    _leaf_types(abase.allocated_type, out)
                elif isinstance(abase, GlobalVariable) and abase.value_type is not None:
                    _leaf_types(abase.value_type, out)
                for i in (x for blk in caller.blocks for x in blk.instructions):
                    if isinstance(i, (I.Load, I.Store)):
                        p = i.ops[0] if isinstance(i, I.Load) else i.ops[1]
                        if _base(p) is abase:
                            _leaf_types(i.type if isinstance(i, I.Load) else i.ops[0].type, out)
                    elif isinstance(i, I.GetElementPtr) and _base(i.ops[0]) is abase \
                            and i.source_type.key() != "i8":
                        _leaf_types(i.source_type, out)
                out |= _caller_leaves(module, caller, actual, depth + 1)
    return out


def copied_kind(function, activity, dst, src, module=None) -> str:
    """What a memcpy/memmove between `dst` and `src` moves: a float type's name
    ("double"), "pointer", "none" (integers only, or nothing typed is known: UNKNOWN) or
    "mixed". Bytes this function never accesses with a type are looked up in its callers
    (`module` given)."""
    leaves = memory_leaves(function, activity, dst) | memory_leaves(function, activity, src)
    if not leaves:
        leaves = _caller_leaves(module, function, dst) | _caller_leaves(module, function, src)
    floats = {k for k in leaves if isinstance(k, str)}
    pointers = leaves - floats
    if floats and pointers or len(floats) > 1:
        return "mixed"
    if floats:
        return next(iter(floats))
    return "pointer" if pointers else UNKNOWN
