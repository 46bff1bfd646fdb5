"""LLVM types, version-neutral.

Pointer types keep their pointee when the input spelled one (`double*`), and have
`pointee=None` when it said `ptr`; how a pointer is spelled on output is the dialect's
choice, not the model's. Types compare structurally, except identified structs, which
are equal only to themselves (as in LLVM).
"""

from __future__ import annotations


class Type:
    __slots__ = ()

    is_float = False
    is_int = False
    is_pointer = False
    is_vector = False
    is_aggregate = False
    is_first_class = True

    def key(self):
        raise NotImplementedError

    def __eq__(self, other):
        return self is other or (isinstance(other, Type) and self.key() == other.key())

    def __hash__(self):
        return hash(self.key())

    def __repr__(self):
        return f"<{type(self).__name__} {self.key()!r}>"

    @property
    def scalar(self) -> "Type":
        """The element type for vectors, the type itself otherwise."""
        return self


class _Simple(Type):
    __slots__ = ("spelling",)

    def __init__(self, spelling):
        self.spelling = spelling

    def key(self):
        return self.spelling


class VoidType(_Simple):
    __slots__ = ()
    is_first_class = False


class LabelType(_Simple):
    __slots__ = ()


class MetadataType(_Simple):
    __slots__ = ()


class TokenType(_Simple):
    __slots__ = ()


class OtherType(_Simple):
    """Target-specific leaf types: x86_mmx, x86_amx."""

    __slots__ = ()


VOID = VoidType("void")
LABEL = LabelType("label")
METADATA = MetadataType("metadata")
TOKEN = TokenType("token")


class IntType(Type):
    __slots__ = ("bits",)
    is_int = True

    def __init__(self, bits: int):
        self.bits = bits

    def key(self):
        return ("i", self.bits)


class FloatType(Type):
    """A floating-point type; `bits` is its storage width, `exp_bits`/`mant_bits` the IEEE-like
    layout used to encode literals (ppc_fp128 is a double-double and has no such layout)."""

    __slots__ = ("kind", "bits", "exp_bits", "mant_bits")
    is_float = True

    def __init__(self, kind, bits, exp_bits, mant_bits):
        self.kind = kind
        self.bits = bits
        self.exp_bits = exp_bits
        self.mant_bits = mant_bits

    def key(self):
        return self.kind


HALF = FloatType("half", 16, 5, 10)
BFLOAT = FloatType("bfloat", 16, 8, 7)
FLOAT = FloatType("float", 32, 8, 23)
DOUBLE = FloatType("double", 64, 11, 52)
X86_FP80 = FloatType("x86_fp80", 80, 15, 63)  # explicit integer bit, handled in literals
FP128 = FloatType("fp128", 128, 15, 112)
PPC_FP128 = FloatType("ppc_fp128", 128, 11, 52)
FLOAT_TYPES = {t.kind: t for t in (HALF, BFLOAT, FLOAT, DOUBLE, X86_FP80, FP128, PPC_FP128)}

_INT_CACHE: dict[int, IntType] = {}


def int_type(bits: int) -> IntType:
    t = _INT_CACHE.get(bits)
    if t is None:
        t = _INT_CACHE[bits] = IntType(bits)
    return t


I1, I8, I32, I64 = int_type(1), int_type(8), int_type(32), int_type(64)


class PointerType(Type):
    __slots__ = ("pointee", "addrspace")
    is_pointer = True

    def __init__(self, pointee: Type | None = None, addrspace: int = 0):
        self.pointee = pointee
        self.addrspace = addrspace

    @property
    def opaque(self) -> bool:
        return self.pointee is None

    def key(self):
        return ("p", None if self.pointee is None else self.pointee.key(), self.addrspace)


PTR = PointerType()


class VectorType(Type):
    __slots__ = ("count", "elem", "scalable")
    is_vector = True

    def __init__(self, count: int, elem: Type, scalable: bool = False):
        self.count = count
        self.elem = elem
        self.scalable = scalable

    @property
    def scalar(self):
        return self.elem

    @property
    def is_float(self):  # type: ignore[override]
        return self.elem.is_float

    def key(self):
        return ("v", self.count, self.elem.key(), self.scalable)


class ArrayType(Type):
    __slots__ = ("count", "elem")
    is_aggregate = True

    def __init__(self, count: int, elem: Type):
        self.count = count
        self.elem = elem

    def key(self):
        return ("a", self.count, self.elem.key())


class StructType(Type):
    """A literal struct `{ i32, double }` or packed `<{ ... }>`."""

    __slots__ = ("elems", "packed")
    is_aggregate = True

    def __init__(self, elems: list[Type], packed: bool = False):
        self.elems = list(elems)
        self.packed = packed

    def key(self):
        return ("s", tuple(e.key() for e in self.elems), self.packed)


class IdentifiedStructType(Type):
    """`%name = type {...}` or `type opaque`; `body` is None while opaque."""

    __slots__ = ("name", "body", "__dict__")
    is_aggregate = True

    def __init__(self, name: str, body: StructType | None = None):
        self.name = name
        self.body = body

    @property
    def elems(self):
        return self.body.elems if self.body is not None else []

    @property
    def packed(self):
        return self.body.packed if self.body is not None else False

    def key(self):
        return ("%", id(self))

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)


class FunctionType(Type):
    __slots__ = ("ret", "params", "vararg")
    is_first_class = False

    def __init__(self, ret: Type, params: list[Type], vararg: bool = False):
        self.ret = ret
        self.params = list(params)
        self.vararg = vararg

    def key(self):
        return ("f", self.ret.key(), tuple(p.key() for p in self.params), self.vararg)


class TargetExtType(Type):
    """`target("name", types..., ints...)` (LLVM 16+)."""

    __slots__ = ("name", "type_params", "int_params")

    def __init__(self, name: str, type_params: list[Type], int_params: list[int]):
        self.name = name
        self.type_params = list(type_params)
        self.int_params = list(int_params)

    def key(self):
        return ("t", self.name, tuple(t.key() for t in self.type_params), tuple(self.int_params))


# Keywords that spell a type by themselves, and every keyword a type can start with.
SIMPLE_TYPES = {"void": VOID, "label": LABEL, "metadata": METADATA, "token": TOKEN,
                "x86_mmx": OtherType("x86_mmx"), "x86_amx": OtherType("x86_amx"),
                **FLOAT_TYPES}
TYPE_START_KW = frozenset(SIMPLE_TYPES) | {"ptr", "target"}


def element_type(t: Type, index: int | None = None) -> Type:
    """Type reached by one GEP/extractvalue index into `t`."""
    if isinstance(t, (ArrayType, VectorType)):
        return t.elem
    if isinstance(t, (StructType, IdentifiedStructType)):
        return t.elems[index]  # type: ignore[index]
    raise TypeError(f"cannot index into {t!r}")
