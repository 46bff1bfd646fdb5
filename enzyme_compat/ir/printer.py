"""Printer: one print method per node family; every release-dependent spelling is asked
of the Dialect. Structural differences (constant expressions to materialise, typed
pointers to rebuild, debug records to turn into calls, ...) are the legalizer's job; the
printer only spells a module that is already legal for its release."""

from __future__ import annotations

from . import instructions as I
from .attributes import (Attr, AttrGroupRef, fold_memory, format_memory,
                         legacy_from_effects, parse_memory)
from .denormal import STRING_KEYS, env_to_strings, strings_to_env
from .errors import ConversionError
from .floats import format_legacy
from .module import BasicBlock, Function, GlobalAlias, GlobalValue
from .types import (VOID, ArrayType, FloatType, FunctionType, IdentifiedStructType, IntType,
                    PointerType, StructType, TargetExtType, VectorType)
from .values import (Argument, BlockAddress, ConstantAggregate, ConstantExpr, ConstantFP,
                     ConstantInt, ConstantString, GlobalWrapper, InlineAsm, MDNode, MDRaw,
                     MDRef, MDString, MDTuple, MDValue, MetadataAsValue, Splat, _Keyword)


class TypePrinter:
    """Spells types. `mode` 'opaque' prints every pointer as `ptr`; 'typed' prints pointers
    with their pointee (an unknown one as i8); 'as-is' prints what the model holds."""

    def __init__(self, mode="as-is"):
        self.opaque = mode == "opaque"
        self.asis = mode == "as-is"
        self.mmx = "x86_mmx"  # spelling of x86_mmx (releases from 20 say <1 x i64>)

    def type(self, t) -> str:
        c = type(t)
        if c is IntType:
            return "i%d" % t.bits
        if c is PointerType:
            if self.opaque or (t.pointee is None and self.asis):
                return "ptr" if not t.addrspace else f"ptr addrspace({t.addrspace})"
            inner = "i8" if t.pointee is None else self.type(t.pointee)
            return f"{inner}*" if not t.addrspace else f"{inner} addrspace({t.addrspace})*"
        if c is FloatType:
            return t.kind
        if c is IdentifiedStructType:
            return "%" + t.name
        if c is VectorType:
            pre = "vscale x " if t.scalable else ""
            return f"<{pre}{t.count} x {self.type(t.elem)}>"
        if c is ArrayType:
            return f"[{t.count} x {self.type(t.elem)}]"
        if c is StructType:
            body = ", ".join(self.type(e) for e in t.elems)
            s = "{ " + body + " }" if body else "{}"
            return "<" + s + ">" if t.packed else s
        if c is FunctionType:
            ps = [self.type(p) for p in t.params]
            if t.vararg:
                ps.append("...")
            return f"{self.type(t.ret)} ({', '.join(ps)})"
        if c is TargetExtType:
            parts = [f'"{t.name}"' if not t.name.startswith('"') else t.name]
            parts += [self.type(x) for x in t.type_params] + [str(i) for i in t.int_params]
            return "target(" + ", ".join(parts) + ")"
        if t.spelling == "x86_mmx":
            return self.mmx
        return t.spelling


def _escape(data: bytes) -> str:
    out = []
    for b in data:
        if 32 <= b < 127 and b not in (34, 92):
            out.append(chr(b))
        else:
            out.append("\\%02X" % b)
    return "".join(out)


class _Operands(dict):
    """A function's operands as `refs[v]`: its locals are put in by numbering; a miss is
    a constant. Integers and floats, new objects at every use, are spelled here from
    their value (one Python call per use, not three) and not remembered."""

    __slots__ = ("printer", "float_literals", "consts")

    def __init__(self, printer):
        super().__init__()
        self.printer = printer
        self.float_literals = printer.float_literal.literals
        self.consts = printer.consts

    def __missing__(self, v):
        c = type(v)
        if c is ConstantInt:
            if v.type.bits == 1:
                return "true" if v.value & 1 else "false"
            return str(v.value)
        if c is ConstantFP:
            return self.float_literals.get((v.bits, v.type.kind)) or \
                self.printer.float_literal(v.bits, v.type)
        s = self.consts.get(v)  # a global or constant another function used already
        if s is not None:
            self[v] = s
            return s
        return self.printer._spell_operand(v)


class _TypedOperands(dict):
    """`typed_refs[v]`: "<type> <operand>"; locals and module constants are remembered,
    integers and floats are spelled at every use (see `_Operands`)."""

    __slots__ = ("refs", "type_names", "type")

    def __init__(self, printer):
        super().__init__()
        self.refs, self.type_names, self.type = printer.refs, printer.type_names, printer.type

    def __missing__(self, v):
        t = v.type
        ts = self.type_names.get(id(t)) or self.type(t)
        if type(v) is ConstantInt:
            if t.bits == 1:
                return ts + (" true" if v.value & 1 else " false")
            return ts + " " + str(v.value)
        if type(v) is ConstantFP:
            return ts + " " + self.refs[v]
        s = self[v] = ts + " " + self.refs[v]
        return s


_SLOT_NAMES = ["%0"]  # "%N" by N: every function numbers from 0 again


def _slot_names(n: int) -> list:
    """The "%N" spellings, at least `n` of them."""
    if len(_SLOT_NAMES) < n:
        _SLOT_NAMES.extend([f"%{k}" for k in range(len(_SLOT_NAMES), n)])
    return _SLOT_NAMES


def _int_literal(v: ConstantInt) -> str:
    if v.type.bits == 1:
        return "true" if v.value & 1 else "false"
    return str(v.value)


def _memo_by_identity(spell):
    """`spell(t)` remembered per object (each kept alive, so that its id stays its own);
    `spelled.names` is the memo (id -> spelling), for the hot paths to look up first."""
    names: dict = {}
    keep: list = []

    def spelled(t):
        s = names.get(id(t))
        if s is None:
            s = names[id(t)] = spell(t)
            keep.append(t)
        return s
    spelled.names = names
    return spelled


def _memo_float(spell):
    """A float literal per (bits, float kind): a module repeats its constants.
    `literal.literals` is the memo, for `_Operands` to look up first."""
    literals: dict = {}

    def literal(bits, t):
        key = (bits, t.kind)
        s = literals.get(key)
        if s is None:
            s = literals[key] = spell(bits, t)
        return s
    literal.literals = literals
    return literal


class Printer:
    def __init__(self, module, dialect, pointer_mode: str):
        self.m = module
        self.d = dialect
        self.tp = TypePrinter(pointer_mode)
        if not dialect.has("x86_mmx"):
            self.tp.mmx = "<1 x i64>"
        self.type = _memo_by_identity(self.tp.type)  # types do not change while printing
        self.type_names = self.type.names
        self.callee_type = _memo_by_identity(self._callee_type)
        self.callee_type_names = self.callee_type.names
        self.float_literal = _memo_float(dialect.spelling("float_literal", format_legacy))
        self.numbered_args = dialect.has("numbered-argument-names")
        self.numbered_labels = dialect.has("numbered-block-labels")
        self.denormal_env = dialect.has("denormal_fpenv")
        self.consts = {}  # constant or global -> its spelling, for the whole module
        self.fn_refs = {}  # id(fn) -> its refs (see below), for `number` to find again
        self.flag_spellings = {}  # (opcode, *flags) -> what this release prints of them
        self.function_names = {}  # name -> `@name` as this release spells it
        self.spellers = {cls: speller.__get__(self) for cls, speller in _PRINT.items()}
        self.out = []
        self.enter(None)

    def enter(self, fn):
        """Make `fn` the function being printed (None: none, at module level). `refs`
        spells its operands: its locals as numbered, anything else as a constant;
        `typed_refs` the same preceded by the type, remembered as they are met."""
        self.refs = _Operands(self) if fn is None else self.number(fn)
        self.typed_refs = _TypedOperands(self)

    # ------------------------------------------------------------------ names
    def number(self, fn: Function) -> dict:
        """The refs of `fn`: its arguments, blocks and values -> `%name` or `%N`."""
        refs = self.fn_refs.get(id(fn))
        return refs if refs is not None else self._number(fn)

    def _number(self, fn: Function) -> dict:
        """Spell every argument, block and instruction of `fn` that has a name or a
        slot, in slot order: each is spelled once here, then looked up at every use
        (an unnamed block's label is its spelling without the `%`)."""
        values = list(fn.args)
        for b in fn.blocks:
            values.append(b)
            values += b.instructions
        slot_names = _slot_names(len(values))
        refs, n = _Operands(self), 0
        for v in values:
            name = v.name
            if name is not None:
                refs[v] = "%" + name
            elif v.type is not VOID:  # (arguments and blocks never are)
                refs[v] = slot_names[n]
                n += 1
        self.fn_refs[id(fn)] = refs
        return refs

    def local(self, v) -> str:
        s = self.refs.get(v)
        if s is not None:
            return s
        if v.name is not None:
            return "%" + v.name
        raise KeyError(f"value {v!r} has no slot in the function being printed")

    def gname(self, g) -> str:
        if isinstance(g, Function):
            s = self.function_names.get(g.name)
            if s is None:
                s = self.function_names[g.name] = "@" + self.d.intrinsic_name(g.name)
            return s
        return "@" + g.name

    # ------------------------------------------------------------------ values
    def ref(self, v) -> str:
        return self.refs[v]

    def typed(self, v) -> str:
        return self.typed_refs[v]

    def _spell_operand(self, v) -> str:
        """A value that `refs` does not hold and `_Operands` leaves to the printer: a
        constant (spelled once per module), or a local of another function (named, else
        an error)."""
        s = self.consts.get(v)
        if s is None:
            if isinstance(v, (I.Instruction, Argument, BasicBlock)):
                return self.local(v)
            s = self.consts[v] = self.constant(v)
        self.refs[v] = s
        return s

    def constant(self, v) -> str:
        c = type(v)
        if c is ConstantInt:
            return _int_literal(v)
        if c is ConstantFP:
            return self.float_literal(v.bits, v.type)
        if isinstance(v, GlobalValue):
            return self.gname(v)
        if isinstance(v, _Keyword):
            return v.keyword
        if c is ConstantExpr:
            return self.const_expr(v)
        if c is ConstantAggregate:
            t = v.type
            inner = ", ".join(self.typed(e) for e in v.elems)
            if isinstance(t, ArrayType):
                return "[" + inner + "]"
            if isinstance(t, VectorType):
                return "<" + inner + ">"
            s = "{ " + inner + " }" if inner else "{}"
            return "<" + s + ">" if t.packed else s
        if c is ConstantString:
            return 'c"' + _escape(v.data) + '"'
        if c is MetadataAsValue:
            return self.md(v.md)
        if c is Splat:
            if self.d.has("splat-print") or not isinstance(v.type, VectorType):
                return f"splat ({self.typed(v.elem)})"
            return "<" + ", ".join([self.typed(v.elem)] * v.type.count) + ">"
        if c is BlockAddress:
            fn = v.function
            blk = v.block
            name = "%" + blk.name if blk.name is not None else self.number(fn)[blk]
            return f"blockaddress({self.ref(fn)}, {name})"
        if c is GlobalWrapper:
            return f"{v.keyword} {self.ref(v.target)}"
        if c is InlineAsm:
            flags = "".join(f + " " for f in v.flags)
            return f"asm {flags}{v.asm}, {v.constraints}"
        raise TypeError(f"cannot print value {v!r}")

    def flags(self, opcode, flags) -> str:
        if not flags:
            return ""
        key = (opcode, *flags)
        s = self.flag_spellings.get(key)
        if s is None:
            keep = self.d.keep_flag
            s = self.flag_spellings[key] = "".join(" " + f for f in flags if keep(opcode, f))
        return s

    def const_expr(self, e: ConstantExpr) -> str:
        op = e.opcode
        fl = self.flags(op, e.flags)
        if op in I.CASTS:
            return f"{op}{fl} ({self.typed(e.ops[0])} to {self.type(e.type)})"
        if op == "getelementptr":
            inr = ""
            # `inrange` is only a promise: a release that cannot spell it drops it.
            if isinstance(e.inrange, tuple) and self.d.has("inrange-range"):
                inr = " inrange(%d, %d)" % e.inrange
            old_form = self.d.has("inrange-index") and not isinstance(e.inrange, tuple)
            parts = [self.type(e.source_type)]
            for j, o in enumerate(e.ops):
                pre = "inrange " if old_form and e.inrange == j else ""
                parts.append(pre + self.typed(o))
            return f"getelementptr{fl}{inr} ({', '.join(parts)})"
        if op in ("icmp", "fcmp"):
            return f"{op}{fl} {e.predicate} ({self.typed(e.ops[0])}, {self.typed(e.ops[1])})"
        if op in ("extractvalue", "insertvalue"):
            parts = [self.typed(o) for o in e.ops] + [str(i) for i in e.indices]
            return f"{op}{fl} ({', '.join(parts)})"
        return f"{op}{fl} ({', '.join(self.typed(o) for o in e.ops)})"

    # ------------------------------------------------------------------ metadata
    def md(self, m) -> str:
        if m is None:
            return "null"
        c = type(m)
        if c is MDRef:
            return "!" + m.id
        if c is MDString:
            return "!" + m.text
        if c is MDValue:
            return self.typed(m.value)
        if c is MDTuple:
            s = "!{" + ", ".join(self.md(e) for e in m.elems) + "}"
            return "distinct " + s if m.distinct else s
        if c is MDNode:
            fields = []
            keep = self.d.keep_md_field
            items = m.fields
            if m.kind == "DISubprogram" and not self.d.has("spflags"):
                items = _legacy_sp_fields(items)
            for name, val in items:
                if name is not None and not keep(m.kind, name):
                    continue
                if name == "flags" and type(val) is MDRaw:
                    names = [f.strip() for f in val.text.split("|")]
                    kept = [f for f in names if keep("flag", f)]
                    val = MDRaw(" | ".join(kept) if kept else "DIFlagZero")
                sval = val.text if type(val) is MDRaw else self.md(val)
                fields.append(f"{name}: {sval}" if name is not None else sval)
            s = f"!{m.kind}({', '.join(fields)})"
            return "distinct " + s if m.distinct else s
        if c is MDRaw:
            return m.text
        raise TypeError(f"cannot print metadata {m!r}")

    def attachments(self, md) -> str:
        # (most attach a node by reference: `!dbg !12`)
        return "".join([f", !{k} !{v.id}" if type(v) is MDRef else f", !{k} {self.md(v)}"
                        for k, v in md])

    # ------------------------------------------------------------------ attributes
    def attrs(self, attrs, param_type=None) -> str:
        if not attrs:
            return ""
        if len(attrs) == 1 and type(attrs[0]) is AttrGroupRef:  # a call's usual `#N`
            return "#" + attrs[0].id
        out = []
        d = self.d
        if self.denormal_env and any(getattr(a, "kind", None) in STRING_KEYS for a in attrs):
            attrs = strings_to_env(attrs)
        for a in attrs:
            if type(a) is AttrGroupRef:
                out.append("#" + a.id)
                continue
            for s in self.attr(a, d, param_type):
                out.append(s)
        return " ".join(out)

    def attr(self, a: Attr, d, param_type):
        kind = a.kind
        if a.style == "str":
            return [kind if a.arg is None else f"{kind}={a.arg}"]
        if kind == "memory":
            eff = parse_memory(a.arg)
            if eff is None:
                return []
            if not d.has("memory-attr"):
                return legacy_from_effects(eff)
            locs = d.spelling("memory_locations", ())
            if any(loc != "other" and loc not in locs for loc in eff):
                return [f"memory({format_memory(fold_memory(eff, locs), locs)})"]
        if kind == "captures" and not d.has("captures-print"):
            return ["nocapture"] if a.arg.strip() == "none" else []
        if kind == "denormal_fpenv" and not self.denormal_env:
            strings = env_to_strings(a)
            if strings is None:
                raise ConversionError(f"cannot express denormal_fpenv({a.arg}) for LLVM "
                                      f"{d.release}")
            return [f"{s.kind}={s.arg}" for s in strings]
        if kind == "uwtable" and a.arg is not None and not d.has("uwtable-kind"):
            return ["uwtable"]
        if not d.keep_attr(kind):
            return []
        if a.style == "type":
            if d.has("untyped-" + kind):  # byval/sret/inalloca before they took a type
                return [kind]
            return [f"{kind}({self.type(a.arg)})"]
        if a.style is None:
            if kind in ("byval", "sret", "inalloca") and not d.has("untyped-" + kind) and \
                    param_type is not None and getattr(param_type, "pointee", None) is not None:
                return [f"{kind}({self.type(param_type.pointee)})"]
            return [kind]
        if a.style == "space":
            return [f"{kind} {a.arg}"]
        if a.style == "eq":
            return [f"{kind}={a.arg}"]
        return [f"{kind}({a.arg})"]

    # ------------------------------------------------------------------ module
    def module(self) -> str:
        m, w = self.m, self.out.append
        if m.source_filename is not None:
            w(f"source_filename = {m.source_filename}\n")
        if m.datalayout is not None:
            w(f"target datalayout = {m.datalayout}\n")
        if m.triple is not None:
            w(f"target triple = {m.triple}\n")
        for a in m.module_asm:
            w(f"module asm {a}\n")
        if m.types:
            w("\n")
        for t in m.types:
            alias = getattr(t, "_alias", None)
            if alias is not None:
                w(f"%{t.name} = type {self.type(alias)}\n")
            elif t.body is None:
                w(f"%{t.name} = type opaque\n")
            else:
                w(f"%{t.name} = type {self.type(t.body)}\n")
        if m.comdats:
            w("\n")
        for c in m.comdats:
            w(f"${c.name} = comdat {c.selection}\n")
        if m.globals:
            w("\n")
        for g in m.globals:
            w(self.global_var(g) + "\n")
        if m.aliases:
            w("\n")
        for a in m.aliases:
            w(self.alias(a) + "\n")
        for f in m.functions:
            w("\n")
            self.function(f)
        if m.attr_groups:
            w("\n")
        for g in m.attr_groups.values():
            w(f"attributes #{g.id} = {{ {self.attrs(g.attrs)} }}\n")
        if m.named_md or m.numbered_md:
            w("\n")
        for name, elems in m.named_md:
            w(f"!{name} = !{{{', '.join(self.md(e) for e in elems)}}}\n")
        for mid, node in m.numbered_md:
            w(f"!{mid} = {self.md(node)}\n")
        for raw in m.other:
            w(raw + "\n")
        return "".join(self.out)

    def pre(self, pre) -> str:
        out = []
        for p in pre:
            out.append(f"addrspace({p[1]})" if isinstance(p, tuple) else p)
        return "".join(x + " " for x in out)

    def comdat(self, c) -> str:
        if c is None:
            return ""
        return ", comdat" if c == "" else f", comdat(${c})"

    def global_var(self, g) -> str:
        s = [f"@{g.name} = {self.pre(g.pre)}{'constant' if g.constant else 'global'} "
             f"{self.type(g.value_type)}"]
        if g.initializer is not None:
            s.append(" " + self.ref(g.initializer))
        if g.section is not None:
            s.append(f", section {g.section}")
        if g.partition is not None and self.d.has("partition"):
            s.append(f", partition {g.partition}")
        s.append(self.comdat(g.comdat))
        if g.align is not None:
            s.append(f", align {g.align}")
        if g.code_model is not None and self.d.has("code_model"):
            s.append(f", code_model {g.code_model}")
        if self.d.has("sanitizer-globals"):
            for e in g.extra:
                s.append(f", {e}")
        s.append(self.attachments(g.md))
        if g.attrs:
            s.append(" " + self.attrs(g.attrs))
        return "".join(s)

    def alias(self, a: GlobalAlias) -> str:
        s = (f"@{a.name} = {self.pre(a.pre)}{a.kind} {self.type(a.value_type)}, "
             f"{self.typed(a.target)}")
        if a.partition is not None and self.d.has("partition"):
            s += f", partition {a.partition}"
        return s + self.attachments(a.md)

    def function(self, f: Function):
        w = self.out.append
        self.enter(f)
        ft = f.fn_type
        params = []
        for j, pt in enumerate(ft.params):
            a = f.args[j] if j < len(f.args) else None
            p = self.type(pt)
            at = self.attrs(a.attrs, pt) if a is not None else ""
            if at:
                p += " " + at
            if not f.is_declaration and (a.name is not None or self.numbered_args):
                p += " " + self.local(a)
            params.append(p)
        if ft.vararg:
            params.append("...")
        head = "define " if not f.is_declaration else "declare "
        head += self.pre(f.pre)
        if f.is_declaration and f.md:  # a declaration's attachments come first
            head += "".join(f"!{k} {self.md(v)} " for k, v in f.md)
        ra = self.attrs(f.ret_attrs)
        if ra:
            head += ra + " "
        head += f"{self.type(ft.ret)} {self.gname(f)}({', '.join(params)})"
        if f.unnamed_addr:
            head += " " + f.unnamed_addr
        if f.addrspace:
            head += f" addrspace({f.addrspace})"
        fa = self.attrs(f.fn_attrs)
        if fa:
            head += " " + fa
        if f.section is not None:
            head += f" section {f.section}"
        if f.partition is not None and self.d.has("partition"):
            head += f" partition {f.partition}"
        if f.comdat is not None:
            head += " comdat" if f.comdat == "" else f" comdat(${f.comdat})"
        if f.align is not None:
            head += f" align {f.align}"
        if f.gc is not None:
            head += f" gc {f.gc}"
        for k in ("prefix", "prologue", "personality"):
            v = getattr(f, k)
            if v is not None:
                head += f" {k} {self.typed(v)}"
        if not f.is_declaration:
            for k, v in f.md:
                head += f" !{k} {self.md(v)}"
        if f.is_declaration:
            w(head + "\n")
            return
        w(head + " {\n")
        self.blocks(f)
        w("}\n")

    def blocks(self, f: Function):
        """The body of `f`: the hot loop of printing, hence its locals."""
        out, refs, spellers = self.out, self.refs, self.spellers
        for j, b in enumerate(f.blocks):
            if j:
                out.append("\n")
            if b.name is not None:
                out.append(f"{b.name}:\n")
            elif j:  # before LLVM 9 an unnamed block's number may only be implicit
                out.append(f"{refs[b][1:]}:\n" if self.numbered_labels
                           else f"; <label>:{refs[b][1:]}:\n")
            for inst in b.instructions:
                # (.get: an unknown class fails as it always did, calling None)
                body = spellers.get(type(inst))(inst)
                if inst.md:
                    body += self.attachments(inst.md)
                name = refs.get(inst)  # numbering gave every named or non-void one
                out.append(f"  {name} = {body}\n" if name is not None else f"  {body}\n")

    # ------------------------------------------------------------------ instructions
    # The spellers below run once per instruction: they read operands from `refs` and
    # `typed_refs` directly (a hit costs no call) and ask `flags` only when there are some.

    def p_binary(self, i):
        fl = self.flags(i.opcode, i.flags) if i.flags else ""
        a, b = i.ops[0], i.ops[1]
        refs, t = self.refs, i.type
        return f"{i.opcode}{fl} {self.type_names.get(id(t)) or self.type(t)} {refs[a]}, {refs[b]}"

    def p_unary(self, i):
        fl = self.flags(i.opcode, i.flags) if i.flags else ""
        return f"{i.opcode}{fl} {self.typed_refs[i.ops[0]]}"

    def p_cast(self, i):
        fl = self.flags(i.opcode, i.flags) if i.flags else ""
        t = i.type
        return f"{i.opcode}{fl} {self.typed_refs[i.ops[0]]} to " + \
            (self.type_names.get(id(t)) or self.type(t))

    def p_compare(self, i):
        a, b = i.ops
        fl = self.flags(i.opcode, i.flags) if i.flags else ""
        return f"{i.opcode}{fl} {i.predicate} {self.typed_refs[a]}, {self.refs[b]}"

    def p_select(self, i):
        fl = self.flags("select", i.flags) if i.flags else ""
        return f"select{fl} " + ", ".join(map(self.typed_refs.__getitem__, i.ops))

    def p_phi(self, i):
        refs = self.refs
        pairs = ", ".join([f"[ {refs[v]}, {refs[b]} ]" for v, b in zip(i.ops, i.blocks)])
        fl = self.flags("phi", i.flags) if i.flags else ""
        t = i.type
        return f"phi{fl} {self.type_names.get(id(t)) or self.type(t)} {pairs}"

    def p_freeze(self, i):
        return f"freeze {self.typed(i.ops[0])}"

    def p_alloca(self, i):
        s = f"alloca{self.flags('alloca', i.flags)} {self.type(i.allocated_type)}"
        if i.ops:
            s += ", " + self.typed(i.ops[0])
        if i.align is not None:
            s += f", align {i.align}"
        if i.addrspace is not None:
            s += f", addrspace({i.addrspace})"
        return s

    def _atomic(self, i) -> str:
        s = ""
        if i.syncscope is not None:
            s += f" syncscope({i.syncscope})"
        return s + f" {i.ordering}"

    def p_load(self, i):
        t = i.type
        ts = self.type_names.get(id(t)) or self.type(t)
        if i.ordering or i.flags:
            return self._memory_access(i, "load", f" {ts}, {self.typed_refs[i.ops[0]]}")
        if i.align is not None:  # the usual load, in one piece
            return f"load {ts}, {self.typed_refs[i.ops[0]]}, align {i.align}"
        return f"load {ts}, {self.typed_refs[i.ops[0]]}"

    def p_store(self, i):
        typed = self.typed_refs
        if i.ordering or i.flags:
            return self._memory_access(i, "store", f" {typed[i.ops[0]]}, {typed[i.ops[1]]}")
        if i.align is not None:  # the usual store, in one piece
            return f"store {typed[i.ops[0]]}, {typed[i.ops[1]]}, align {i.align}"
        return f"store {typed[i.ops[0]]}, {typed[i.ops[1]]}"

    def _memory_access(self, i, keyword: str, operands: str) -> str:
        """A load or store with flags (volatile) or an ordering (atomic)."""
        s = f"{keyword} atomic" if i.ordering else keyword
        if i.flags:
            s += self.flags(keyword, i.flags)
        s += operands
        if i.ordering:
            s += self._atomic(i)
        if i.align is not None:
            s += f", align {i.align}"
        return s

    def p_gep(self, i):
        s = "getelementptr" + self.flags("getelementptr", i.flags) if i.flags else \
            "getelementptr"
        if isinstance(i.inrange, tuple) and self.d.has("inrange-range"):
            s += " inrange(%d, %d)" % i.inrange
        t = i.source_type
        return f"{s} {self.type_names.get(id(t)) or self.type(t)}, " + \
            ", ".join(map(self.typed_refs.__getitem__, i.ops))

    def p_ops(self, i):
        return f"{i.opcode} " + ", ".join(self.typed(o) for o in i.ops)

    def p_extractvalue(self, i):
        return f"extractvalue {self.typed(i.ops[0])}, " + ", ".join(map(str, i.indices))

    def p_insertvalue(self, i):
        return (f"insertvalue {self.typed(i.ops[0])}, {self.typed(i.ops[1])}, "
                + ", ".join(map(str, i.indices)))

    def p_atomicrmw(self, i):
        s = f"atomicrmw{self.flags('atomicrmw', i.flags)} {i.operation} "
        s += f"{self.typed(i.ops[0])}, {self.typed(i.ops[1])}{self._atomic(i)}"
        if i.align is not None and self.d.has("atomic-align"):
            s += f", align {i.align}"
        return s

    def p_cmpxchg(self, i):
        s = f"cmpxchg{self.flags('cmpxchg', i.flags)} " + ", ".join(self.typed(o) for o in i.ops)
        if i.syncscope is not None:
            s += f" syncscope({i.syncscope})"
        s += f" {i.success} {i.failure}"
        if i.align is not None and self.d.has("atomic-align"):
            s += f", align {i.align}"
        return s

    def p_fence(self, i):
        return "fence" + self._atomic(i)

    def p_va_arg(self, i):
        return f"va_arg {self.typed(i.ops[0])}, {self.type(i.type)}"

    def p_landingpad(self, i):
        s = f"landingpad {self.type(i.type)}"
        if i.cleanup:
            s += "\n          cleanup"
        for k, c in zip(i.kinds, i.ops):
            s += f"\n          {k} {self.typed(c)}"
        return s

    def p_pad(self, i):
        args = ", ".join(self.typed(a) for a in i.ops[1:])
        return f"{i.opcode} within {self.ref(i.ops[0])} [{args}]"

    def p_call(self, i):
        s = ""
        if i.tail:
            s = i.tail + " "
        s += i.opcode + self.flags("call", i.flags) if i.flags else i.opcode
        for p in i.cconv or ():
            s += " " + (f"addrspace({p[1]})" if isinstance(p, tuple) else p)
        ra = self.attrs(i.ret_attrs) if i.ret_attrs else ""
        if ra:
            s += " " + ra
        if i.addrspace is not None:
            s += f" addrspace({i.addrspace})"
        ft = i.fn_type
        s += self.callee_type_names.get(id(ft)) or self.callee_type(ft)
        s += " " + self.refs[i.callee] + "("
        typed, arg_attrs = self.typed_refs, i.arg_attrs
        if not any(arg_attrs):  # the usual call: plain "<type> <value>" arguments
            s += ", ".join(map(typed.__getitem__, i.ops)) + ")"
        else:
            args = []
            for j, a in enumerate(i.ops):
                at = self.attrs(arg_attrs[j], a.type) if j < len(arg_attrs) and arg_attrs[j] \
                    else ""
                args.append(f"{self.type(a.type)} {at} {self.refs[a]}" if at else typed[a])
            s += ", ".join(args) + ")"
        fa = self.attrs(i.fn_attrs) if i.fn_attrs else ""
        if fa:
            s += " " + fa
        if i.bundles:
            bs = []
            for tag, vals in i.bundles:
                bs.append(f"{tag}({', '.join(self.typed(v) for v in vals)})")
            s += " [ " + ", ".join(bs) + " ]"
        if i.opcode == "invoke":
            s += f"\n          to label {self.local(i.normal)} unwind label {self.local(i.unwind)}"
        elif i.opcode == "callbr":
            ind = ", ".join(f"label {self.local(b)}" for b in i.indirect)
            s += f"\n          to label {self.local(i.normal)} [{ind}]"
        return s

    def _callee_type(self, ft: FunctionType) -> str:
        """What a call spells before its callee: the return type, or the whole function
        type when the return type alone would not do (varargs, a returned function)."""
        return " " + self.type(ft if ft.vararg or _needs_fn_type(ft) else ft.ret)

    def p_ret(self, i):
        return "ret void" if not i.ops else f"ret {self.typed_refs[i.ops[0]]}"

    def p_br(self, i):
        refs = self.refs
        if not i.ops:
            return f"br label {refs[i.targets[0]]}"
        t, f = i.targets
        return f"br {self.typed_refs[i.ops[0]]}, label {refs[t]}, label {refs[f]}"

    def p_switch(self, i):
        cases = "".join(f"\n    {self.typed(c)}, label {self.local(b)}" for c, b in i.cases)
        return (f"switch {self.typed(i.ops[0])}, label {self.local(i.default)} [{cases}\n  ]")

    def p_indirectbr(self, i):
        dests = ", ".join(f"label {self.local(b)}" for b in i.dests)
        return f"indirectbr {self.typed(i.ops[0])}, [{dests}]"

    def p_resume(self, i):
        return f"resume {self.typed(i.ops[0])}"

    def p_unreachable(self, i):
        return "unreachable"

    def p_catchswitch(self, i):
        hs = ", ".join(f"label {self.local(b)}" for b in i.handlers)
        un = f"label {self.local(i.unwind)}" if i.unwind else "to caller"
        return f"catchswitch within {self.ref(i.ops[0])} [{hs}] unwind {un}"

    def p_catchret(self, i):
        return f"catchret from {self.ref(i.ops[0])} to label {self.local(i.target)}"

    def p_cleanupret(self, i):
        un = f"label {self.local(i.unwind)}" if i.unwind else "to caller"
        return f"cleanupret from {self.ref(i.ops[0])} unwind {un}"

    def p_dbg(self, i):
        return f"#dbg_{i.kind}(" + ", ".join(self.md(a) for a in i.args) + ")"


def _legacy_sp_fields(fields):
    """`spFlags:` (LLVM 8+) as the separate fields LLVM 7 reads."""
    out = []
    for name, val in fields:
        if name != "spFlags":
            out.append((name, val))
            continue
        flags = {f.strip() for f in val.text.split("|")}
        out.append(("isLocal", MDRaw("true" if "DISPFlagLocalToUnit" in flags else "false")))
        out.append(("isDefinition",
                    MDRaw("true" if "DISPFlagDefinition" in flags else "false")))
        out.append(("isOptimized", MDRaw("true" if "DISPFlagOptimized" in flags else "false")))
        if "DISPFlagPureVirtual" in flags:
            out.append(("virtuality", MDRaw("DW_VIRTUALITY_pure_virtual")))
        elif "DISPFlagVirtual" in flags:
            out.append(("virtuality", MDRaw("DW_VIRTUALITY_virtual")))
    return out


def _needs_fn_type(ft: FunctionType) -> bool:
    """LLVM prints the full function type when the return type is itself a function
    pointer type in typed IR; otherwise the return type suffices."""
    r = ft.ret
    return isinstance(r, PointerType) and isinstance(r.pointee, FunctionType)


_PRINT = {
    I.BinaryOp: Printer.p_binary, I.UnaryOp: Printer.p_unary, I.Cast: Printer.p_cast,
    I.Compare: Printer.p_compare, I.Select: Printer.p_select, I.Phi: Printer.p_phi,
    I.Freeze: Printer.p_freeze, I.Alloca: Printer.p_alloca, I.Load: Printer.p_load,
    I.Store: Printer.p_store, I.GetElementPtr: Printer.p_gep,
    I.ExtractElement: Printer.p_ops, I.InsertElement: Printer.p_ops,
    I.ShuffleVector: Printer.p_ops, I.ExtractValue: Printer.p_extractvalue,
    I.InsertValue: Printer.p_insertvalue, I.AtomicRMW: Printer.p_atomicrmw,
    I.CmpXchg: Printer.p_cmpxchg, I.Fence: Printer.p_fence, I.VAArg: Printer.p_va_arg,
    I.LandingPad: Printer.p_landingpad, I.FuncletPad: Printer.p_pad, I.Call: Printer.p_call,
    I.Ret: Printer.p_ret, I.Br: Printer.p_br, I.Switch: Printer.p_switch,
    I.IndirectBr: Printer.p_indirectbr, I.Resume: Printer.p_resume,
    I.Unreachable: Printer.p_unreachable, I.CatchSwitch: Printer.p_catchswitch,
    I.CatchRet: Printer.p_catchret, I.CleanupRet: Printer.p_cleanupret,
    I.DebugRecord: Printer.p_dbg,
}


def print_module(module, dialect) -> str:
    from .legalize import legalize

    from .parser import no_gc

    with no_gc():
        try:
            module, pointer_mode = legalize(module, dialect)
            return Printer(module, dialect, pointer_mode).module()
        except RecursionError:
            raise ConversionError(f"{module.filename}: error: the module nests types or "
                                  f"constants too deeply to convert") from None


def print_as_is(module, dialect) -> str:
    """What the model holds, in the newest spelling (used to copy a module). A module
    that used `ptr` anywhere is printed opaque: its pointees are only the parser's own
    deductions, which a reader of `ptr` text deduces again."""
    mode = "opaque" if module.uses_opaque_pointers else "as-is"
    return Printer(module, dialect, mode).module()


