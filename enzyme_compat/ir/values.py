"""Values: arguments, constants, constant expressions, inline asm and metadata.

Every Value has a `type` and a `name` (None for unnamed values, which the printer numbers).
Global values, basic blocks and instructions live in `module.py` and `instructions.py`.
"""

from __future__ import annotations

from .types import Type, METADATA


class Value:
    __slots__ = ("type", "name")
    is_constant = False

    def __init__(self, type: Type, name: str | None = None):
        self.type = type
        self.name = name

    def __repr__(self):
        return f"<{type(self).__name__} {self.name or ''}: {self.type!r}>"


class Argument(Value):
    __slots__ = ("attrs", "function", "index")

    def __init__(self, type, name=None, attrs=None):
        super().__init__(type, name)
        self.attrs = attrs if attrs is not None else []
        self.function = None
        self.index = 0


class Constant(Value):
    __slots__ = ()
    is_constant = True


class ConstantInt(Constant):
    __slots__ = ("value",)

    def __init__(self, type, value: int):
        super().__init__(type)
        self.value = value


class ConstantFP(Constant):
    """`bits` is the native bit pattern of `type` (see floats.py)."""

    __slots__ = ("bits",)

    def __init__(self, type, bits: int):
        super().__init__(type)
        self.bits = bits


class _Keyword(Constant):
    __slots__ = ()
    keyword = ""


class ConstantNull(_Keyword):
    __slots__ = ()
    keyword = "null"


class ConstantNone(_Keyword):
    __slots__ = ()
    keyword = "none"


class Undef(_Keyword):
    __slots__ = ()
    keyword = "undef"


class Poison(_Keyword):
    __slots__ = ()
    keyword = "poison"


class ZeroInitializer(_Keyword):
    __slots__ = ()
    keyword = "zeroinitializer"


class ConstantAggregate(Constant):
    """`[..]` arrays, `{..}`/`<{..}>` structs and `<..>` vectors of constants."""

    __slots__ = ("elems",)

    def __init__(self, type, elems: list):
        super().__init__(type)
        self.elems = elems


class ConstantString(Constant):
    """`c"..."`: raw bytes of an i8 array."""

    __slots__ = ("data",)

    def __init__(self, type, data: bytes):
        super().__init__(type)
        self.data = data


class Splat(Constant):
    """`splat (T v)`: a vector with every lane `v` (LLVM 18+ syntax)."""

    __slots__ = ("elem",)

    def __init__(self, type, elem):
        super().__init__(type)
        self.elem = elem


class ConstantExpr(Constant):
    """A constant expression. `ops` are its constant operands. Per opcode:
    casts: `type` is the destination; getelementptr: `source_type`, `flags`, `inrange`
    (None, a (lo, hi) pair for the 19+ form, or an operand index for the old form);
    icmp/fcmp: `predicate`; extractvalue/insertvalue: `indices`; shufflevector: ops[2] mask;
    ptrauth/dso_local_equivalent/no_cfi/blockaddress: see their own classes."""

    __slots__ = ("opcode", "ops", "flags", "source_type", "predicate", "indices", "inrange")
    # every opcode a constant expression was made with in this process: when a release
    # removed none of them, printing for it skips the walk over every operand looking
    # for one (legalize.py)
    opcodes_made: set = set()

    def __init__(self, opcode, type, ops, flags=(), source_type=None, predicate=None,
                 indices=None, inrange=None):
        super().__init__(type)
        self.opcode = opcode
        ConstantExpr.opcodes_made.add(opcode)
        self.ops = list(ops)
        self.flags = list(flags)
        self.source_type = source_type
        self.predicate = predicate
        self.indices = indices
        self.inrange = inrange


class BlockAddress(Constant):
    __slots__ = ("function", "block")

    def __init__(self, type, function, block):
        super().__init__(type)
        self.function = function
        self.block = block  # a BasicBlock once resolved


class GlobalWrapper(Constant):
    """`dso_local_equivalent @f` and `no_cfi @f`."""

    __slots__ = ("keyword", "target")

    def __init__(self, type, keyword, target):
        super().__init__(type)
        self.keyword = keyword
        self.target = target


class InlineAsm(Value):
    __slots__ = ("asm", "constraints", "flags", "fn_type")
    # whether any inline asm with an indirect ("*") constraint was made in this process:
    # when none was, printing skips the search for one (legalize.py)
    indirect_made = False

    def __init__(self, type, asm: str, constraints: str, flags: list[str], fn_type=None):
        super().__init__(type)
        self.asm = asm  # raw quoted text
        self.constraints = constraints  # raw quoted text
        if "*" in constraints:
            InlineAsm.indirect_made = True
        self.flags = flags  # sideeffect, alignstack, inteldialect, unwind
        self.fn_type = fn_type


class Placeholder(Value):
    """A local value used before its definition; replaced when the function is complete."""

    __slots__ = ("pos",)

    def __init__(self, type, name, pos):
        super().__init__(type, name)
        self.pos = pos


# ---------------------------------------------------------------- metadata


class Metadata:
    __slots__ = ()


class MDString(Metadata):
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text  # raw, with quotes and escapes as written


class MDRef(Metadata):
    """`!12` or `!name`: a reference to a numbered/named node defined at module level."""

    __slots__ = ("id",)

    def __init__(self, id: str):
        self.id = id


class MDTuple(Metadata):
    __slots__ = ("elems", "distinct")

    def __init__(self, elems: list, distinct: bool = False):
        self.elems = elems  # Metadata or None (`null`)
        self.distinct = distinct


class MDNode(Metadata):
    """A specialised node `!DILocation(line: 3, scope: !5)`; scalar field values are kept
    as their raw text, nested metadata and typed values are parsed."""

    __slots__ = ("kind", "fields", "distinct")

    def __init__(self, kind: str, fields: list, distinct: bool = False):
        self.kind = kind
        self.fields = fields  # list of (name or None, value)
        self.distinct = distinct


class MDValue(Metadata):
    """A value used as metadata: `i32 %x`, `ptr @g`."""

    __slots__ = ("value",)

    def __init__(self, value: Value):
        self.value = value


class MDRaw(Metadata):
    """Text kept verbatim (summary entries and anything not modelled)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


class MetadataAsValue(Value):
    """A `metadata ...` operand of a call."""

    __slots__ = ("md",)

    def __init__(self, md: Metadata):
        super().__init__(METADATA)
        self.md = md
