"""Recursive-descent parser for the union of LLVM 7..23 textual IR.

Never gated on a release: every spelling any release accepts is read, and the model
records what was written. `parse_optional_x()` returns None without consuming;
`parse_x()` raises a located ParseError. Function bodies are in `body_parser.py`.
"""

from __future__ import annotations

import contextlib
import gc

from .attributes import TYPE_ATTRS, Attr, AttrGroup, AttrGroupRef
from .body_parser import BodyParser
from .md_parser import MetadataParser
from .const_parser import (CONST_KEYWORDS, ConstantParser, _gname, _int)
from .errors import ParseError
from .checks import KNOWN_ATTRIBUTES, NEEDS_ARGUMENT, alignment_error
from .lexer import tokenize
from .typeutil import type_str
from .module import Comdat, Function, GlobalAlias, GlobalVariable, Module
from .types import (LABEL, METADATA, VOID, ArrayType, FunctionType, IdentifiedStructType, PointerType,
                    StructType, TargetExtType, Type, VectorType, int_type, PTR, SIMPLE_TYPES,
                    TYPE_START_KW)
from .values import (MDValue, Placeholder)

# Scalar types returned without further look-ahead (not the ones recorded below).
FAST_TYPES = {**{w: t for w, t in SIMPLE_TYPES.items() if w not in ("x86_mmx", "x86_amx",
                                                                      "bfloat")},
              **{f"i{n}": int_type(n) for n in (1, 8, 16, 32, 64, 128)}, "ptr": PTR}
# Alignments by their text, checked already: nearly every load, store and alloca has one.
COMMON_ALIGNMENTS = {str(1 << n): 1 << n for n in range(13)}
# Types that only some releases have, recorded so conversion can check the target.
SEEN_TYPES = {"bfloat": "bfloat", "x86_amx": "x86_amx", "x86_mmx": "x86_mmx"}

LINKAGE_LIKE = frozenset({
    "private", "internal", "available_externally", "linkonce", "weak", "common", "appending",
    "extern_weak", "linkonce_odr", "weak_odr", "external", "dso_local", "dso_preemptable",
    "default", "hidden", "protected", "dllimport", "dllexport", "unnamed_addr",
    "local_unnamed_addr", "externally_initialized"})

HEADER_STOP = frozenset({"define", "declare", "attributes", "target", "source_filename",
                         "module", "uselistorder", "uselistorder_bb", "section", "partition",
                         "comdat", "gc", "prefix", "prologue", "personality", "align",
                         "unnamed_addr", "local_unnamed_addr", "addrspace"})
# Keywords that end an attribute list: instruction opcodes and clause keywords.
NOT_ATTRIBUTES = frozenset({
    "define", "declare", "attributes", "to", "within", "from", "unwind", "label", "type",
    "opaque", "x", "vscale", "ret", "br", "switch", "indirectbr", "invoke", "callbr",
    "resume", "unreachable", "catchswitch", "catchret", "cleanupret", "call", "tail",
    "musttail", "notail", "load", "store", "alloca", "phi", "landingpad", "catchpad",
    "cleanuppad", "va_arg", "fence", "cmpxchg", "atomicrmw", "freeze", "uselistorder",
    "uselistorder_bb"}) | CONST_KEYWORDS


# Token kinds an attribute can start with.
ATTR_START = frozenset({"kw", "str", "attrgrp"})


class Parser(BodyParser, MetadataParser, ConstantParser):
    def __init__(self, text: str, filename: str = "<input>"):
        toks = tokenize(text, filename)
        self.k = toks.kinds
        self.t = toks.texts
        self.o = toks.offsets
        self.src = text
        self.filename = filename
        self.i = 0
        self.m = Module()
        self.m.filename = filename
        self.named_types: dict[str, IdentifiedStructType] = {}
        self.type_refs: dict[str, int] = {}
        self.fn = None  # per-function state lives in BodyParser
        self.md_refs: dict[str, int] = {}
        self.group_refs: dict[str, int] = {}
        self.comdat_refs: dict[str, int] = {}
        self.blockaddr: list = []
        self.float_literals: dict[tuple[str, str], int] = {}  # see float_bits

    # ------------------------------------------------------------------ helpers
    def error(self, msg: str, i: int | None = None) -> ParseError:
        return ParseError(msg, self.src, self.o[self.i if i is None else i], self.filename)

    def describe(self, i=None) -> str:
        i = self.i if i is None else i
        return "end of file" if self.k[i] == "eof" else f"'{self.t[i]}'"

    def expected(self, what: str) -> ParseError:
        return self.error(f"expected {what}, found {self.describe()}")

    def eat(self, kind: str) -> bool:
        if self.k[self.i] == kind:
            self.i += 1
            return True
        return False

    def expect(self, kind: str, what: str | None = None):
        if self.k[self.i] != kind:
            raise self.expected(what or f"'{kind}'")
        self.i += 1

    def is_kw(self, word: str) -> bool:
        return self.k[self.i] == "kw" and self.t[self.i] == word

    def eat_kw(self, word: str) -> bool:
        if self.k[self.i] == "kw" and self.t[self.i] == word:
            self.i += 1
            return True
        return False

    def expect_kw(self, word: str):
        if not self.eat_kw(word):
            raise self.expected(f"'{word}'")

    def parse_int(self, what="integer") -> int:
        if self.k[self.i] != "int":
            raise self.expected(what)
        self.i += 1
        return _int(self.t[self.i - 1])

    def parse_alignment(self) -> int:
        n = COMMON_ALIGNMENTS.get(self.t[self.i]) if self.k[self.i] == "int" else None
        if n is not None:
            self.i += 1
            return n
        at = self.i
        n = self.parse_int("alignment")
        why = alignment_error(n)
        if why:
            raise self.error(why, at)
        return n

    def parse_string(self, what="string constant") -> str:
        if self.k[self.i] != "str":
            raise self.expected(what)
        self.i += 1
        return self.t[self.i - 1]

    def parse_list(self, close: str, item, what: str) -> list:
        """`item` repeated, comma-separated, up to and including `close` (the opening
        token is already consumed); `what` names the list in error messages."""
        out = []
        if self.eat(close):
            return out
        while True:
            out.append(item())
            if self.eat(close):
                return out
            self.expect(",", f"',' or '{close}' in {what}")

    def raw_parens(self) -> str:
        """Text of a balanced `( ... )` group, without the outer parentheses."""
        start = self.i
        self.expect("(")
        depth = 1
        while depth:
            k = self.k[self.i]
            if k == "eof":
                raise self.error("unbalanced parentheses: missing ')'", start)
            if k == "(":
                depth += 1
            elif k == ")":
                depth -= 1
            self.i += 1
        return self.o.between(start, self.i - 1)[1:]

    # ------------------------------------------------------------------ module
    def parse_module(self) -> Module:
        self.prescan_globals()
        k, t = self.k, self.t
        while True:
            kind = k[self.i]
            if kind == "eof":
                break
            if kind == "kw":
                word = t[self.i]
                if word == "define":
                    self.parse_function(True)
                elif word == "declare":
                    self.parse_function(False)
                elif word == "target":
                    self.parse_target()
                elif word == "source_filename":
                    self.i += 1
                    self.expect("=")
                    self.m.source_filename = self.parse_string()
                elif word == "attributes":
                    self.parse_attr_group()
                elif word == "module":
                    self.i += 1
                    self.expect_kw("asm")
                    self.m.module_asm.append(self.parse_string())
                elif word in ("uselistorder", "uselistorder_bb"):
                    self.skip_line()
                else:
                    raise self.expected("top-level entity")
            elif kind == "global":
                self.parse_global()
            elif kind == "local":
                self.parse_type_def()
            elif kind == "comdat":
                self.parse_comdat()
            elif kind == "meta":
                self.parse_md_def()
            elif kind == "summary":
                start = self.o[self.i]
                self.skip_line()
                self.m.other.append(self.src[start: self.o[self.i]].rstrip())
            else:
                raise self.expected("top-level entity")
        self.finish_module()
        return self.m

    def skip_line(self):
        end = self.src.find("\n", self.o[self.i])
        end = len(self.src) if end < 0 else end
        while self.k[self.i] != "eof" and self.o[self.i] < end:
            self.i += 1

    def finish_module(self):
        for name, i in self.type_refs.items():
            if self.named_types[name].body is None and not getattr(
                    self.named_types[name], "_defined", False):
                raise self.error(f"use of undefined type '%{name}'", i)
        defined_comdats = {c.name for c in self.m.comdats}
        for name, i in self.comdat_refs.items():
            if name not in defined_comdats:
                raise self.error(f"use of undefined comdat '${name}'", i)
        for name, i in self.group_refs.items():
            if name not in self.m.attr_groups:
                raise self.error(f"use of undefined attribute group '#{name}'", i)
        defined = {mid for mid, _ in self.m.numbered_md}
        for name, i in self.md_refs.items():
            if name not in defined:
                raise self.error(f"use of undefined metadata '!{name}'", i)
        for ba, fname, bname, i in self.blockaddr:
            fn = self.m.symbols.get(fname)
            blocks = getattr(fn, "_block_names", {})
            if bname not in blocks:
                raise self.error(f"referenced block '%{bname}' is not defined in '@{fname}'", i)
            ba.block = blocks[bname]
        for fn in self.m.functions:
            fn.__dict__.pop("_block_names", None)

    def prescan_globals(self):
        """Create every global value before parsing, so forward references resolve."""
        k, t = self.k, self.t
        n = len(k)
        for j in _positions(t, ("define", "declare")):
            if k[j] == "kw":
                p = j + 1
                while p < n and k[p] not in ("global", "eof"):
                    p += 1
                if k[p] == "global":
                    self.new_global(Function, _gname(t[p]), p)
        for j in _positions(k, ("global",)):
            if k[j + 1] == "=":
                p = j + 2
                while p < n and p < j + 30 and k[p] != "eof":
                    if k[p] == "kw" and t[p] in ("global", "constant"):
                        self.new_global(GlobalVariable, _gname(t[j]), j)
                        break
                    if k[p] == "kw" and t[p] in ("alias", "ifunc"):
                        self.new_global(GlobalAlias, _gname(t[j]), j).kind = t[p]
                        break
                    p += 1
        self.prescan_types()

    def prescan_types(self):
        """Give every global its type before any use is parsed: a use that precedes the
        definition (a call to a function defined later) must see its real type. A header
        that does not parse is left for the main pass to report in order."""
        k = self.k
        for name, g in self.m.symbols.items():
            start = g.pos
            try:
                if isinstance(g, Function):
                    while k[start] != "kw" or self.t[start] not in ("define", "declare"):
                        start -= 1
                    self.i = start + 1
                    g.set_value_type(self.function_header_type(), 0)
                else:
                    self.i = start + 2
                    pre = self.parse_pre_keywords()
                    self.i += 1  # global / constant / alias / ifunc
                    addrspace = next((p[1] for p in pre if isinstance(p, tuple)), 0)
                    g.set_value_type(self.parse_type(), addrspace)
            except ParseError:
                continue
        self.i = 0

    def function_header_type(self) -> FunctionType:
        self.parse_pre_keywords()
        while self.k[self.i] == "meta":
            self.parse_attachment()
        self.parse_attrs()
        ret = self.parse_type()
        self.i += 1  # the name
        self.expect("(")
        params, vararg = [], False
        if not self.eat(")"):
            while True:
                if self.eat("..."):
                    vararg = True
                    break
                params.append(self.parse_type())
                self.parse_attrs()
                self.eat("local")
                if self.eat(")"):
                    break
                self.expect(",")
        return FunctionType(ret, params, vararg)

    def new_global(self, cls, name, i):
        if name in self.m.symbols:
            raise self.error(f"redefinition of global '@{name}'", i)
        g = cls(name) if cls is not GlobalAlias else GlobalAlias(name)
        g.pos = i
        self.m.symbols[name] = g
        return g

    def parse_target(self):
        self.i += 1
        if self.eat_kw("datalayout"):
            self.expect("=")
            self.m.datalayout = self.parse_string()
        elif self.eat_kw("triple"):
            self.expect("=")
            self.m.triple = self.parse_string()
        else:
            raise self.expected("'datalayout' or 'triple'")

    def parse_type_def(self):
        name = self.t[self.i][1:]
        at = self.i
        self.i += 1
        self.expect("=")
        self.expect_kw("type")
        st = self.named_types.get(name)
        if st is None:
            st = self.named_types[name] = IdentifiedStructType(name)
        if getattr(st, "_defined", False):
            raise self.error(f"redefinition of type '%{name}'", at)
        st._defined = True  # type: ignore[attr-defined]
        if self.eat_kw("opaque"):
            st.body = None
        else:
            body = self.parse_type()
            if not isinstance(body, StructType):
                # `%T = type i32` is legal and names a non-struct type: keep it as an alias
                st.body = StructType([body])
                st._alias = body  # type: ignore[attr-defined]
            else:
                st.body = body
        self.m.types.append(st)

    def parse_comdat(self):
        name = self.t[self.i][1:]
        self.i += 1
        self.expect("=")
        self.expect_kw("comdat")
        if self.k[self.i] != "kw":
            raise self.expected("comdat selection kind")
        self.m.comdats.append(Comdat(name, self.t[self.i]))
        self.i += 1

    def parse_attr_group(self):
        self.i += 1
        if self.k[self.i] != "attrgrp":
            raise self.expected("attribute group id '#N'")
        gid = self.t[self.i][1:]
        self.i += 1
        self.expect("=")
        self.expect("{")
        attrs = self.parse_attrs(in_group=True)
        self.expect("}", "'}' closing the attribute group")
        self.m.attr_groups[gid] = AttrGroup(gid, attrs)

    # ------------------------------------------------------------------ globals
    def parse_pre_keywords(self) -> list:
        pre = []
        k, t = self.k, self.t
        while k[self.i] == "kw":
            w = t[self.i]
            if w in LINKAGE_LIKE:
                pre.append(w)
                self.i += 1
            elif w == "thread_local":
                self.i += 1
                pre.append("thread_local(" + self.raw_parens() + ")" if k[self.i] == "("
                           else "thread_local")
            elif w == "addrspace":
                self.i += 1
                pre.append(("addrspace", int(self.raw_parens())))
            elif w == "cc":
                self.i += 1
                pre.append(f"cc {self.parse_int()}")
            elif w.endswith("cc") and w not in ("cc",):
                pre.append(w)
                self.i += 1
            else:
                break
        return pre

    def parse_global(self):
        at = self.i
        name = _gname(self.t[self.i])
        self.i += 1
        self.expect("=")
        g = self.m.symbols[name]
        if g.defined:
            raise self.error(f"redefinition of global '@{name}'", at)
        g.defined = True
        pre = self.parse_pre_keywords()
        addrspace = 0
        for p in pre:
            if isinstance(p, tuple):
                addrspace = p[1]
        g.pre = pre
        if isinstance(g, GlobalAlias):
            self.i += 1  # alias / ifunc
            vt = self.parse_type()
            g.set_value_type(vt, addrspace)
            self.expect(",")
            g.target = self.parse_typed_constant()
            while self.eat(","):
                if self.eat_kw("partition"):
                    g.partition = self.parse_string()
                elif self.k[self.i] == "meta":
                    g.md.append(self.parse_attachment())
                else:
                    raise self.expected("'partition' or metadata attachment")
            self.m.aliases.append(g)
            return
        if self.eat_kw("constant"):
            g.constant = True
        else:
            self.expect_kw("global")
        vt = self.parse_type()
        g.set_value_type(vt, addrspace)
        # A declaration (explicit `external`/`extern_weak`) has no initializer.
        if not any(p in ("external", "extern_weak") for p in pre):
            g.initializer = self.parse_value(vt)
        while True:
            if self.k[self.i] == "attrgrp":
                g.attrs.append(self.attr_group_ref())
                continue
            if not self.eat(","):
                break
            if self.eat_kw("section"):
                g.section = self.parse_string()
            elif self.eat_kw("partition"):
                g.partition = self.parse_string()
            elif self.eat_kw("comdat"):
                g.comdat = self.parse_comdat_ref()
            elif self.eat_kw("align"):
                g.align = self.parse_alignment()
            elif self.eat_kw("code_model"):
                g.code_model = self.parse_string()
            elif self.k[self.i] == "meta":
                g.md.append(self.parse_attachment())
            elif self.k[self.i] == "kw" and ("sanitize" in self.t[self.i]):
                g.extra.append(self.t[self.i])
                self.i += 1
            else:
                raise self.expected("global variable attribute")
        self.m.globals.append(g)

    def parse_comdat_ref(self):
        if self.k[self.i] == "(":
            self.i += 1
            if self.k[self.i] != "comdat":
                raise self.expected("comdat name")
            name = self.t[self.i][1:]
            self.comdat_refs.setdefault(name, self.i)
            self.i += 1
            self.expect(")")
            return name
        return ""

    # ------------------------------------------------------------------ functions
    def parse_function(self, is_definition: bool):
        self.i += 1
        pre = self.parse_pre_keywords()
        decl_md = []
        while self.k[self.i] == "meta":  # `declare !dbg !7 double @sin(double)`
            decl_md.append(self.parse_attachment())
        ret_attrs = self.parse_attrs()
        ret = self.parse_type()
        if self.k[self.i] != "global":
            raise self.expected("function name")
        at = self.i
        name = _gname(self.t[self.i])
        fn = self.m.symbols[name]
        if not isinstance(fn, Function) or fn.defined:
            raise self.error(f"redefinition of function '@{name}'", at)
        fn.defined = True
        self.i += 1
        self.expect("(", "'(' starting the parameter list")
        params, args, vararg = [], [], False
        if not self.eat(")"):
            while True:
                if self.eat("..."):
                    vararg = True
                    self.expect(")", "')' after '...'")
                    break
                p_at = self.i
                pt = self.parse_type()
                if pt is VOID or pt is LABEL:
                    raise self.error(f"argument can not have {type_str(pt)} type", p_at)
                attrs = self.parse_attrs()
                aname = None
                if self.k[self.i] == "local":
                    aname = self.t[self.i][1:]
                    self.i += 1
                from .values import Argument

                a = Argument(pt, None if aname is None or aname.isdigit() else aname, attrs)
                a.index = len(args)
                a.function = fn
                params.append(pt)
                args.append(a)
                if self.eat(")"):
                    break
                self.expect(",", "',' or ')' in the parameter list")
        fn.pre = pre
        fn.md = decl_md + fn.md
        addrspace = 0
        fn.ret_attrs = ret_attrs
        fn.args = args
        self.parse_function_tail(fn)
        if fn.addrspace_kw is not None:
            addrspace = fn.addrspace_kw
        fn.set_value_type(FunctionType(ret, params, vararg), addrspace)
        fn.is_declaration = not is_definition
        self.m.functions.append(fn)
        if is_definition:
            self.expect("{", "'{' starting the function body")
            self.parse_body(fn)

    def parse_function_tail(self, fn: Function):
        fn.addrspace_kw = None
        k, t = self.k, self.t
        while True:
            kind = k[self.i]
            if kind == "kw":
                w = t[self.i]
                if w in ("unnamed_addr", "local_unnamed_addr"):
                    fn.unnamed_addr = w
                    self.i += 1
                elif w == "addrspace":
                    self.i += 1
                    fn.addrspace_kw = int(self.raw_parens())
                elif w == "section":
                    self.i += 1
                    fn.section = self.parse_string()
                elif w == "partition":
                    self.i += 1
                    fn.partition = self.parse_string()
                elif w == "comdat":
                    self.i += 1
                    fn.comdat = self.parse_comdat_ref()
                elif w == "align":
                    self.i += 1
                    fn.align = self.parse_int("alignment")
                elif w == "gc":
                    self.i += 1
                    fn.gc = self.parse_string()
                elif w in ("prefix", "prologue", "personality"):
                    self.i += 1
                    setattr(fn, w, self.parse_typed_constant())
                elif w in HEADER_STOP:
                    return
                else:
                    fn.fn_attrs.extend(self.parse_attrs(stop=HEADER_STOP))
                    if k[self.i] == "kw" and t[self.i] not in HEADER_STOP:
                        raise self.expected("function attribute")
            elif kind in ("attrgrp", "str"):
                fn.fn_attrs.extend(self.parse_attrs(stop=HEADER_STOP))
            elif kind == "meta":
                if t[self.i + 1] == "=":  # `!0 = ...` after a declaration: not ours
                    return
                fn.md.append(self.parse_attachment())
            else:
                return

    # ------------------------------------------------------------------ attributes
    def attr_group_ref(self):
        gid = self.t[self.i][1:]
        self.group_refs.setdefault(gid, self.i)
        self.i += 1
        return AttrGroupRef(gid)

    def parse_attrs(self, in_group=False, stop=frozenset()) -> list:
        """Attributes until something that cannot be one (a type, a value, `{`, ...)."""
        attrs = []
        k, t = self.k, self.t
        if k[self.i] not in ATTR_START:
            return attrs
        while True:
            kind = k[self.i]
            if kind == "kw":
                w = t[self.i]
                if (w in TYPE_START_KW or w in CONST_KEYWORDS or w in stop
                        or (w[0] == "i" and w[1:].isdigit())):
                    break
                if w in NOT_ATTRIBUTES or w[1:3] == "0x":  # `f0x..`/`u0x..` are numbers
                    break
                if w not in KNOWN_ATTRIBUTES:
                    raise self.error(f"unknown attribute '{w}'")
                if w in NEEDS_ARGUMENT and k[self.i + 1] not in ("(", "=", "int"):
                    raise self.error(f"attribute '{w}' requires an argument")
                self.i += 1
                if w in TYPE_ATTRS and k[self.i] == "(":
                    self.i += 1
                    ty = self.parse_type()
                    self.expect(")", f"')' closing {w}(...)")
                    attrs.append(Attr(w, ty, "type"))
                elif k[self.i] == "(":
                    attrs.append(Attr(w, self.raw_parens(), "paren"))
                elif k[self.i] == "=" and in_group:
                    self.i += 1
                    attrs.append(Attr(w, self.parse_int(), "eq"))
                elif w in ("align", "alignstack") and k[self.i] == "int":
                    attrs.append(Attr(w, self.parse_int(), "space"))
                else:
                    attrs.append(Attr(w))
            elif kind == "str":
                key = t[self.i]
                self.i += 1
                if self.eat("="):
                    attrs.append(Attr(key, self.parse_string("attribute value"), "str"))
                else:
                    attrs.append(Attr(key, None, "str"))
            elif kind == "attrgrp" and not in_group:
                attrs.append(self.attr_group_ref())
            else:
                break
        return attrs

    # ------------------------------------------------------------------ types
    def parse_type(self) -> Type:
        # the fast path of parse_optional_type, repeated here: most types are scalars
        i = self.i
        k = self.k
        if k[i] == "kw":
            ty = FAST_TYPES.get(self.t[i])
            if ty is not None and k[i + 1] not in ("*", "(") and self.t[i + 1] != "addrspace":
                self.i = i + 1
                if ty is PTR:
                    self.m.uses_opaque_pointers = True
                return ty
        t = self.parse_optional_type()
        if t is None:
            raise self.expected("type")
        return t

    def parse_optional_type(self) -> Type | None:
        k, tx = self.k, self.t
        i = self.i
        kind = k[i]
        if kind == "kw":  # fast path: a plain scalar type not followed by `*`, `(`, addrspace
            ty = FAST_TYPES.get(tx[i])
            if ty is not None and k[i + 1] not in ("*", "(") and tx[i + 1] != "addrspace":
                self.i = i + 1
                if ty is PTR:
                    self.m.uses_opaque_pointers = True
                return ty
        start = i
        if kind == "kw":
            w = tx[self.i]
            base = SIMPLE_TYPES.get(w)
            if base is not None:
                self.i += 1
                ty = base
                if w in SEEN_TYPES:
                    self.m.syntax_seen.add(SEEN_TYPES[w])
            elif w[0] == "i" and w[1:].isdigit():
                bits = int(w[1:])
                if not 0 < bits <= (1 << 23):
                    raise self.error(f"invalid integer bit width {bits}")
                self.i += 1
                ty = int_type(bits)
            elif w == "ptr":
                self.i += 1
                self.m.uses_opaque_pointers = True
                if k[self.i] == "kw" and tx[self.i] == "addrspace":
                    ty = PointerType(None, self.parse_optional_addrspace())
                else:
                    ty = PTR
            elif w == "target":
                self.i += 1
                self.m.syntax_seen.add("target-ext-type")
                ty = self.parse_target_type()
            else:
                return None
        elif kind == "{":
            ty = self.parse_struct_body(False)
        elif kind == "<":
            self.i += 1
            if k[self.i] == "{":
                ty = self.parse_struct_body(True)
                self.expect(">", "'>' closing a packed struct")
            else:
                scalable = False
                if self.eat_kw("vscale"):
                    scalable = True
                    self.m.syntax_seen.add("scalable-vector")
                    self.expect_kw("x")
                n_at = self.i
                n = self.parse_int("vector length")
                if n <= 0:
                    raise self.error("a vector must have at least one element", n_at)
                self.expect_kw("x")
                elem = self.parse_type()
                if not (elem.is_int or elem.is_float or elem.is_pointer):
                    raise self.error("invalid vector element type", start)
                self.expect(">", "'>' closing the vector type")
                ty = VectorType(n, elem, scalable)
        elif kind == "[":
            self.i += 1
            n_at = self.i
            n = self.parse_int("array length")
            if n < 0:
                raise self.error("array length must not be negative", n_at)
            self.expect_kw("x")
            e_at = self.i
            elem = self.parse_type()
            if elem is VOID or elem is LABEL or elem is METADATA or isinstance(elem, FunctionType):
                raise self.error(f"invalid array element type '{type_str(elem)}'", e_at)
            self.expect("]", "']' closing the array type")
            ty = ArrayType(n, elem)
        elif kind == "local":
            name = tx[self.i][1:]
            st = self.named_types.get(name)
            if st is None:
                st = self.named_types[name] = IdentifiedStructType(name)
                self.type_refs.setdefault(name, self.i)
            self.i += 1
            ty = getattr(st, "_alias", None) or st
        else:
            return None
        # suffixes: pointers and function types
        while True:
            kind = k[self.i]
            if kind == "*":
                if ty is VOID or ty is LABEL or ty is METADATA:
                    raise self.error(f"pointers to {type_str(ty)} are invalid; use i8* or ptr")
                self.i += 1
                ty = PointerType(ty, 0)
            elif kind == "kw" and tx[self.i] == "addrspace" and k[self.i + 1] == "(":
                save = self.i
                a = self.parse_optional_addrspace()
                if k[self.i] != "*":
                    self.i = save
                    break
                self.i += 1
                ty = PointerType(ty, a)
            elif kind == "(":
                ty = self.parse_function_type(ty)
            else:
                break
        return ty

    def parse_optional_addrspace(self) -> int:
        if self.is_kw("addrspace") and self.k[self.i + 1] == "(":
            self.i += 2
            n = self.parse_int("address space") if self.k[self.i] == "int" else self.parse_string()
            self.expect(")")
            return n if isinstance(n, int) else n  # named address spaces kept as text
        return 0

    def parse_function_type(self, ret: Type) -> FunctionType:
        self.expect("(")
        params, vararg = [], False
        if not self.eat(")"):
            while True:
                if self.eat("..."):
                    vararg = True
                    self.expect(")")
                    break
                params.append(self.parse_type())
                self.parse_attrs()  # attributes in function types are ignored by LLVM
                if self.eat(")"):
                    break
                self.expect(",", "',' or ')' in the function type")
        return FunctionType(ret, params, vararg)

    def parse_struct_body(self, packed: bool) -> StructType:
        self.expect("{")
        return StructType(self.parse_list("}", self.parse_type, "the struct type"), packed)

    def parse_target_type(self) -> TargetExtType:
        self.expect("(")
        name = self.parse_string("target extension type name")
        types, ints = [], []
        while self.eat(","):
            if self.k[self.i] == "int":
                ints.append(self.parse_int())
            else:
                types.append(self.parse_type())
        self.expect(")")
        return TargetExtType(name, types, ints)

@contextlib.contextmanager
def no_gc():
    """The parser and printer build or walk large acyclic-enough object graphs: cyclic
    collection passes during them cost time and free nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            _promote_survivors()
            gc.enable()


def _promote_survivors():
    """Move every tracked object to the oldest generation (freeze, then unfreeze): the
    objects allocated while collection was off would otherwise all be traversed by the
    young-generation pass the next allocation triggers. Cyclic garbage among them is still
    found by the next full collection. Left alone when the program froze objects itself."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def _positions(items: list, wanted) -> list:
    """Indices of the entries equal to one of `wanted`, found by C-level searches."""
    out = []
    for w in wanted:
        j = -1
        try:
            while True:
                j = items.index(w, j + 1)
                out.append(j)
        except ValueError:
            pass
    return sorted(out)


def parse(text: str, filename: str = "<input>") -> Module:
    """Parse textual IR of any LLVM release 7..23 into a Module.

    Malformed input raises ParseError located at the offending token; an inconsistency
    the grammar cannot catch early (e.g. indexing into a non-aggregate) is reported at
    the token where it was found, never as a bare Python exception."""
    with no_gc():
        return _parse_module(Parser(text, filename))


def _parse_module(p):
    try:
        return p.parse_module()
    except RecursionError:
        i = min(p.i, len(p.o) - 1)
        raise p.error("nesting too deep to parse", i) from None
    except (AttributeError, TypeError, IndexError, KeyError, ValueError) as e:
        if isinstance(e, ParseError):
            raise
        i = min(p.i, len(p.o) - 1)
        raise p.error(f"malformed {p.describe(i)}: operands or types do not fit "
                      f"({type(e).__name__})", i) from None


__all__ = ["parse", "Parser", "ParseError", "MDValue", "Placeholder"]
