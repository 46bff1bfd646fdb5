"""Forward rules: memory. Shadows mirror the primal memory: every access through an active
pointer is repeated on its shadow; stores put the tangent (zero for constants) into the
shadow; copies copy shadow bytes (right whatever the bytes hold); new allocations get
zeroed shadows."""

from enzyme_compat.ad.custom import inactive_memory
from enzyme_compat.ad.errors import ShadowError, UnsupportedInstructionError
from enzyme_compat.ad.hookspecs import ad_hookimpl
from enzyme_compat.ad.rules import rules
from enzyme_compat.ad.tape import alloc_size
from enzyme_compat.ad.types_analysis import carries_tangent
from enzyme_compat.ir import instructions as I
from enzyme_compat.ir.types import I1, I8, I64, VOID, PointerType
from enzyme_compat.ir.values import ConstantInt


def _load(b, a, d):
    return None if d[0] is None else b.clone([d[0]])


def _store(b, a, d):
    value_t, ptr_t = d
    if ptr_t is None:
        if inactive_memory(b.fs.module, b.fs.registry, b.inst.ops[1]):
            return None  # a global declared inactive: the tangent is dropped
        if value_t is not None and carries_tangent(a[0].type):
            b.error(ShadowError, "an active value is stored into memory that has no shadow "
                    "(a constant argument or a global); pass that pointer as enzyme_dup")
        return None
    b.clone([b.materialize(value_t, a[0].type), ptr_t])
    return None


def _gep(b, a, d):
    return None if d[0] is None else b.clone([d[0], *a[1:]])


def _alloca(b, a, d):
    inst = b.inst
    shadow = b.clone(list(a))
    if inst.ops and not (isinstance(inst.ops[0], ConstantInt) and inst.ops[0].value == 1):
        # `alloca T, iN %n` (a Fortran automatic array, a C VLA): zero n elements
        n = a[0] if a[0].type == I64 else b.cast("zext", I64, a[0])
        size = b.binop("mul", n, ConstantInt(I64, alloc_size(inst.allocated_type)))
        bytes_ = shadow
        if shadow.type.pointee is not None and shadow.type.pointee != I8:  # typed pointers
            bytes_ = b.cast("bitcast", PointerType(I8, shadow.type.addrspace), shadow)
        _memset_zero(b, bytes_, size)
        return shadow
    b.emit(I.Store([b.zero(inst.allocated_type), shadow], inst.align))
    return shadow


def _memset_zero(b, dst, length):
    b.intrinsic("memset", [dst.type, length.type], VOID,
                [dst, ConstantInt(I8, 0), length, ConstantInt(I1, 0)])


def _memtransfer(b, a, d):  # memcpy/memmove(dst, src, len, volatile)
    ddst, dsrc = d[0], d[1]
    if ddst is None:
        if dsrc is not None:
            b.error(ShadowError, "active memory is copied into memory that has no shadow; "
                    "pass the destination as enzyme_dup")
        return None
    if dsrc is None:  # constant bytes copied in: their derivative is zero
        _memset_zero(b, ddst, a[2])
    else:
        b.clone([ddst, dsrc, *a[2:]])
    return None


def _memset(b, a, d):  # memset(dst, byte, len, volatile): the shadow becomes zero
    if d[0] is not None:
        b.clone([d[0], ConstantInt(a[1].type, 0), *a[2:]])
    return None


def _malloc(b, a, d):
    if not b.fs.activity.is_active(b.inst):
        return None
    size = a[0]
    return b.libcall("calloc", b.inst.type, [size, ConstantInt(size.type, 1)])


def _new(b, a, d):
    """operator new / new[]: the shadow from the same operator (operator delete frees
    it), zeroed."""
    if not b.fs.activity.is_active(b.inst):
        return None
    shadow = b.clone(list(a))
    _memset_zero(b, shadow, a[0])
    return shadow


def _calloc(b, a, d):
    return b.clone(list(a)) if b.fs.activity.is_active(b.inst) else None


def _realloc(b, a, d):
    """realloc(p, n): the shadow is reallocated alongside (bytes past the old size are
    undefined in the primal too, and every store writes the shadow); from constant
    memory, a zeroed shadow."""
    if not b.fs.activity.is_active(b.inst):
        return None
    if d[0] is None:
        size = a[1]
        return b.libcall("calloc", b.inst.type, [size, ConstantInt(size.type, 1)])
    return b.clone([d[0], a[1]])


_ATOMIC_FLOAT = ("fadd", "fsub", "xchg")


def _atomicrmw(b, a, d):
    """atomicrmw fadd/fsub/xchg: the same operation on the shadow with the tangent; it
    returns the old shadow value, the tangent of the old value. Integer operations other
    than xchg leave the shadow alone (integers carry no derivative)."""
    op = b.inst.operation
    dptr, dval = d
    if op not in _ATOMIC_FLOAT:
        if a[1].type.scalar.is_float:
            b.error(UnsupportedInstructionError,
                    f"`atomicrmw {op}` on a float has no forward rule (the winner of a "
                    "min/max race is not known when the shadow is updated)")
        return None
    if dptr is None:
        if dval is not None:
            b.error(ShadowError, "an active value is written atomically into memory that "
                    "has no shadow; pass that pointer as enzyme_dup")
        return None
    return b.clone([dptr, b.materialize(dval, a[1].type)])


def _cmpxchg(b, a, d):
    """{old, ok} = cmpxchg p, cmp, new (C11 `_Atomic double += x`, written by clang as a
    loop over the integer bits): the shadow holds the tangent of the old value, and takes
    the tangent of `new` exactly when the exchange succeeds (on failure it is stored back
    unchanged). The result's tangent is {old tangent, -}; `cmp` has no say in it."""
    dptr, _, dnew = d
    if dptr is None:
        if dnew is not None and not inactive_memory(b.fs.module, b.fs.registry, b.inst.ops[1]):
            b.error(ShadowError, "an active value is exchanged atomically into memory that "
                    "has no shadow; pass that pointer as enzyme_dup")
        return None
    t = a[2].type
    inst = b.inst
    old = b.emit(I.Load(t, [dptr], inst.align))
    ok = b.emit(I.ExtractValue(inst.type.elems[1], [b.result], [1]))
    b.emit(I.Store([b.select(ok, b.materialize(dnew, t), old, t), dptr], inst.align))
    return b.emit(I.InsertValue(inst.type, [b.zero(inst.type), old], [0]))


def _free(b, a, d):
    if d[0] is not None:
        b.clone([d[0]])
    return None


RULES = (
    rules("instruction", {"load": _load, "store": _store, "getelementptr": _gep,
                          "alloca": _alloca, "atomicrmw": _atomicrmw, "cmpxchg": _cmpxchg})
    + rules("intrinsic", {"memcpy": _memtransfer, "memcpy.inline": _memtransfer,
                          "memmove": _memtransfer, "memset": _memset,
                          "memset.inline": _memset})
    + rules("function", {"malloc": _malloc, "calloc": _calloc, "realloc": _realloc,
                         "free": _free, "_Znwm": _new, "_Znam": _new})
)


@ad_hookimpl
def enzyme_compat_forward_rules():
    return RULES
