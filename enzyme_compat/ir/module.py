"""Module, global values, functions and basic blocks."""

from __future__ import annotations

from .types import LABEL, PointerType, FunctionType
from .values import Constant, Value


class BasicBlock(Value):
    __slots__ = ("instructions", "parent", "pos", "__dict__")

    def __init__(self, name: str | None = None, parent=None):
        super().__init__(LABEL, name)
        self.instructions = []
        self.parent = parent
        self.pos = None  # source offset of the first reference, for "undefined label" errors

    @property
    def terminator(self):
        return self.instructions[-1] if self.instructions else None

    def successors(self):
        ins = self.instructions  # (not through `terminator`: asked for every block, often)
        return ins[-1].successors() if ins else []

    def append(self, inst):
        inst.parent = self
        self.instructions.append(inst)
        return inst


class GlobalValue(Constant):
    """A global variable, function, alias or ifunc; as a value it is a pointer.

    `pre` holds the header keywords in source order (linkage, preemption, visibility,
    DLL storage, thread_local, unnamed_addr, addrspace(N), externally_initialized, cconv)."""

    __slots__ = ("pre", "value_type", "addrspace", "md", "partition", "defined", "pos",
                 "__dict__")

    def __init__(self, name: str, value_type, addrspace: int = 0):
        super().__init__(PointerType(value_type, addrspace), name)
        self.pre = []
        self.value_type = value_type
        self.addrspace = addrspace
        self.md = []
        self.partition = None
        self.defined = False
        self.pos = None

    def set_value_type(self, value_type, addrspace=0):
        self.value_type = value_type
        self.addrspace = addrspace
        self.type = PointerType(value_type, addrspace)

    @property
    def linkage(self) -> str:
        for kw in self.pre:
            if kw in LINKAGES:
                return kw
        return "external"


LINKAGES = frozenset({"private", "internal", "available_externally", "linkonce", "weak",
                      "common", "appending", "extern_weak", "linkonce_odr", "weak_odr",
                      "external"})


class GlobalVariable(GlobalValue):
    def __init__(self, name, value_type=None, addrspace=0):
        super().__init__(name, value_type, addrspace)
        self.constant = False
        self.initializer = None
        self.section = None
        self.comdat = None  # None, "" (own name) or a comdat name
        self.align = None
        self.code_model = None
        self.extra = []  # no_sanitize_* / sanitize_* keywords
        self.attrs = []


class Function(GlobalValue):
    def __init__(self, name, fn_type: FunctionType | None = None, addrspace=0):
        super().__init__(name, fn_type, addrspace)
        self.args = []
        self.blocks = []
        self.ret_attrs = []
        self.fn_attrs = []
        self.unnamed_addr = None
        self.section = None
        self.comdat = None
        self.align = None
        self.gc = None
        self.prefix = None
        self.prologue = None
        self.personality = None
        self.is_declaration = True

    @property
    def fn_type(self) -> FunctionType:
        return self.value_type

    def arg_attrs(self, i):
        return self.args[i].attrs

    def operand_users(self) -> dict:
        """id(value) -> the instructions of the body with it among their operands (once
        per operand), in block order; built afresh: a caller keeps it while the body
        stays as it is."""
        users: dict = {}
        get = users.get
        for b in self.blocks:
            for inst in b.instructions:
                for o in inst.ops:
                    got = get(id(o))
                    if got is None:
                        users[id(o)] = [inst]
                    else:
                        got.append(inst)
        return users

    def __repr__(self):
        return f"<Function @{self.name}>"


class GlobalAlias(GlobalValue):
    """`alias` (`kind`='alias') or `ifunc` (`kind`='ifunc'); `target` is the aliasee or
    resolver constant."""

    def __init__(self, name, kind="alias"):
        super().__init__(name, None)
        self.kind = kind
        self.target = None


class Comdat:
    __slots__ = ("name", "selection")

    def __init__(self, name, selection):
        self.name = name
        self.selection = selection


class Module:
    def __init__(self):
        self.source_filename = None  # raw quoted text
        self.datalayout = None  # raw quoted text
        self.triple = None  # raw quoted text
        self.module_asm = []  # raw quoted texts
        self.types = []  # IdentifiedStructType, in definition order
        self.comdats = []
        self.globals = []  # GlobalVariable
        self.functions = []
        self.aliases = []  # GlobalAlias (aliases and ifuncs)
        self.attr_groups = {}  # id -> AttrGroup
        self.named_md = []  # (name, [Metadata])
        self.numbered_md = []  # (id, Metadata)
        self.other = []  # raw top-level text kept verbatim (summary entries, uselistorder)
        self.symbols = {}  # name -> GlobalValue
        self.filename = "<input>"
        self.uses_opaque_pointers = False
        self.syntax_seen = set()  # release-specific constructs met while parsing

    # --------------------------------------------------------------- queries
    def get_function(self, name: str) -> Function | None:
        v = self.symbols.get(name)
        return v if isinstance(v, Function) else None

    def get_global(self, name: str):
        return self.symbols.get(name)

    def declare(self, name: str, fn_type) -> Function:
        """The function `@name`, declared with `fn_type` when the module has none."""
        f = self.get_function(name)
        if f is None:
            if name in self.symbols:
                raise ValueError(f"@{name} is needed as a function but names a global")
            f = Function(name, fn_type)
            self.functions.append(f)
            self.symbols[name] = f
        return f

    @property
    def producer(self) -> str | None:
        """The `!llvm.ident` string, when the module has one."""
        from .values import MDRef, MDString, MDTuple

        numbered = dict(self.numbered_md)
        for name, elems in self.named_md:
            if name != "llvm.ident":
                continue
            for e in elems:
                node = numbered.get(e.id) if isinstance(e, MDRef) else e
                if isinstance(node, MDTuple):
                    for x in node.elems:
                        if isinstance(x, MDString):
                            return x.text[1:-1]
        return None

    def to_text(self, release: int | None = None, plugins=None) -> str:
        """The module in the syntax of LLVM `release` (default: the newest)."""
        from ..dialect import dialect_for
        from .printer import print_module

        return print_module(self, dialect_for(release, plugins))

    def __str__(self):
        return self.to_text()
