"""Values and constants: references to locals and globals, numbers, aggregates, strings,
inline asm and constant expressions (the opcodes of every release 7..23).

A mixin of `Parser` (see parser.py for the token helpers it relies on).
"""

from __future__ import annotations

from . import floats
from .module import BasicBlock
from .typeutil import type_str
from .types import METADATA, ArrayType, FloatType, IntType, Type
from .values import (BlockAddress, ConstantAggregate, ConstantExpr, ConstantFP, ConstantInt,
                     ConstantNone, ConstantNull, ConstantString, GlobalWrapper, InlineAsm,
                     MetadataAsValue, Poison, Splat, Undef, ZeroInitializer)

CAST_OPS = frozenset({"trunc", "zext", "sext", "fptrunc", "fpext", "fptoui", "fptosi",
                      "uitofp", "sitofp", "ptrtoint", "ptrtoaddr", "inttoptr", "bitcast",
                      "addrspacecast"})
BINARY_OPS = frozenset({"add", "sub", "mul", "udiv", "sdiv", "urem", "srem", "shl", "lshr",
                        "ashr", "and", "or", "xor", "fadd", "fsub", "fmul", "fdiv", "frem"})
CONST_KEYWORDS = frozenset({"true", "false", "null", "none", "undef", "poison",
                            "zeroinitializer", "blockaddress", "dso_local_equivalent",
                            "no_cfi", "splat", "ptrauth", "asm", "getelementptr", "icmp",
                            "fcmp", "select", "extractelement", "insertelement",
                            "shufflevector", "extractvalue", "insertvalue", "fneg"}) \
    | CAST_OPS | BINARY_OPS


class ConstantParser:
    def parse_typed_value(self):
        ty = self.parse_type()
        return self.parse_value(ty)

    def parse_typed_constant(self):
        ty = self.parse_type()
        return self.parse_constant(ty)

    def parse_value(self, ty: Type):
        kind = self.k[self.i]
        if kind == "local":
            # fast path of local_ref: a value defined earlier, used with its own type
            if self.fn is not None:
                v = self.locals.get(self.t[self.i][1:])
                if v is not None and v.type is ty and v.__class__ is not BasicBlock:
                    self.i += 1
                    return v
            return self.local_ref(ty)
        return self.parse_constant(ty)

    def global_ref(self, ty: Type):
        name = _gname(self.t[self.i])
        g = self.m.symbols.get(name)
        if g is None:
            raise self.error(f"use of undefined value '@{name}'")
        self.i += 1
        return g

    def parse_constant(self, ty: Type):
        k, t = self.k, self.t
        kind = k[self.i]
        at = self.i
        if kind == "global":
            return self.global_ref(ty)
        if kind == "int":
            text = t[self.i]
            self.i += 1
            if isinstance(ty, FloatType):
                return ConstantFP(ty, self.float_bits(text + ".0", ty))
            if not isinstance(ty, IntType):
                raise self.error(f"integer constant must have integer type, not {type_str(ty)}",
                                 at)
            return ConstantInt(ty, _int(text))
        if kind == "float":
            if not isinstance(ty, FloatType):
                raise self.error(f"floating point constant invalid for type {type_str(ty)}", at)
            self.i += 1
            try:
                return ConstantFP(ty, self.float_bits(t[at], ty))
            except floats.FloatLiteralError as e:
                raise self.error(str(e), at) from None
        if kind == "kw":
            w = t[self.i]
            if w in ("true", "false"):
                if not (isinstance(ty, IntType) and ty.bits == 1):
                    raise self.error(f"'{w}' must have type i1", at)
                self.i += 1
                return ConstantInt(ty, 1 if w == "true" else 0)
            simple = {"null": ConstantNull, "none": ConstantNone, "undef": Undef,
                      "poison": Poison, "zeroinitializer": ZeroInitializer}.get(w)
            if simple is not None:
                self.i += 1
                if w == "null" and not ty.is_pointer:
                    raise self.error(f"null must be a pointer type, not {type_str(ty)}", at)
                return simple(ty)
            if w == "asm":
                return self.parse_inline_asm(ty)
            if w == "blockaddress":
                self.i += 1
                self.expect("(")
                if self.k[self.i] != "global":
                    raise self.expected("function name")
                fv = self.global_ref(None)
                self.expect(",")
                if self.k[self.i] != "local":
                    raise self.expected("block name")
                bname = self.t[self.i][1:]
                bi = self.i
                self.i += 1
                self.expect(")")
                ba = BlockAddress(ty, fv, None)
                self.blockaddr.append((ba, fv.name, bname, bi))
                return ba
            if w in ("dso_local_equivalent", "no_cfi"):
                self.i += 1
                self.m.syntax_seen.add(w)
                return GlobalWrapper(ty, w, self.parse_constant(ty))
            if w == "splat":
                self.i += 1
                self.expect("(")
                elem = self.parse_typed_constant()
                self.expect(")")
                return Splat(ty, elem)
            if w in CONST_KEYWORDS:
                return self.parse_constant_expr(ty)
            if w[1:3] == "0x" and w[0] in "fus":  # lexed as keywords, see lexer.py
                self.k[self.i] = "float" if w[0] == "f" else "int"
                return self.parse_constant(ty)
            raise self.expected("value")
        if kind == "cstr":
            self.i += 1
            data = _unescape(t[at][2:-1])
            if not isinstance(ty, ArrayType) or ty.count != len(data):
                raise self.error(f"constant string of {len(data)} bytes does not match type "
                                 f"'{type_str(ty)}'", at)
            return ConstantString(ty, data)
        if kind == "{":
            return ConstantAggregate(ty, self.parse_const_list("{", "}"))
        if kind == "[":
            return ConstantAggregate(ty, self.parse_const_list("[", "]"))
        if kind == "<":
            if k[self.i + 1] == "{":
                self.i += 1
                elems = self.parse_const_list("{", "}")
                self.expect(">")
                return ConstantAggregate(ty, elems)
            return ConstantAggregate(ty, self.parse_const_list("<", ">"))
        if kind in ("meta", "!", "mdstr") and ty is METADATA:
            return MetadataAsValue(self.parse_md())
        if kind == "local":
            raise self.error("expected a constant, found a local value", at)
        raise self.expected("value")

    def float_bits(self, text: str, ty: FloatType) -> int:
        """floats.parse_literal, remembered: a module repeats a few literals many times
        (0.5, 1.0, ...), and each costs exact rational arithmetic."""
        key = (text, ty.kind)  # a float type is its kind
        bits = self.float_literals.get(key)
        if bits is None:
            bits = self.float_literals[key] = floats.parse_literal(text, ty)
        return bits

    def parse_const_list(self, open_, close):
        self.expect(open_)
        return self.parse_list(close, self.parse_typed_constant, "the constant")

    def parse_inline_asm(self, ty):
        self.i += 1
        flags = []
        while self.k[self.i] == "kw" and self.t[self.i] in ("sideeffect", "alignstack",
                                                            "inteldialect", "unwind"):
            flags.append(self.t[self.i])
            self.i += 1
        asm = self.parse_string("inline asm string")
        self.expect(",")
        cons = self.parse_string("inline asm constraint string")
        return InlineAsm(ty, asm, cons, flags)

    def parse_optional_inrange(self):
        """`inrange(lo, hi)` after a GEP's flags (LLVM 19+), as a (lo, hi) pair, or None."""
        if not self.is_kw("inrange"):
            return None
        self.i += 1
        self.expect("(")
        lo = self.parse_int()
        self.expect(",")
        hi = self.parse_int()
        self.expect(")")
        return (lo, hi)

    def parse_constant_expr(self, ty):
        at = self.i
        op = self.t[self.i]
        self.i += 1
        flags = []
        while self.k[self.i] == "kw" and self.t[self.i] in (
                "nuw", "nsw", "exact", "inbounds", "nusw", "disjoint", "nneg", "samesign"):
            flags.append(self.t[self.i])
            self.i += 1
        if op == "ptrauth":
            self.m.syntax_seen.add("ptrauth")
            self.expect("(")
            ops = [self.parse_typed_constant()]
            while self.eat(","):
                ops.append(self.parse_typed_constant())
            self.expect(")")
            return ConstantExpr("ptrauth", ty, ops)
        if op in ("icmp", "fcmp"):
            pred = self.t[self.i]
            self.i += 1
            self.expect("(")
            a = self.parse_typed_constant()
            self.expect(",")
            b = self.parse_typed_constant()
            self.expect(")")
            return ConstantExpr(op, ty, [a, b], flags, predicate=pred)
        inrange = self.parse_optional_inrange() if op == "getelementptr" else None
        self.expect("(", f"'(' after constant expression '{op}'")
        if op in CAST_OPS:
            if op == "ptrtoaddr":
                self.m.syntax_seen.add("ptrtoaddr")
            v = self.parse_typed_constant()
            self.expect_kw("to")
            dest = self.parse_type()
            self.expect(")")
            return ConstantExpr(op, dest, [v], flags)
        if op == "getelementptr":
            src = self.parse_type()
            self.expect(",")
            ops = []
            idx = 0
            while True:
                if self.eat_kw("inrange"):
                    inrange = idx
                ops.append(self.parse_typed_constant())
                idx += 1
                if not self.eat(","):
                    break
            self.expect(")")
            return ConstantExpr(op, ty, ops, flags, source_type=src, inrange=inrange)
        if op in ("extractvalue", "insertvalue"):
            ops = [self.parse_typed_constant()]
            if op == "insertvalue":
                self.expect(",")
                ops.append(self.parse_typed_constant())
            idx = []
            while self.eat(","):
                idx.append(self.parse_int())
            self.expect(")")
            return ConstantExpr(op, ty, ops, flags, indices=idx)
        ops = [self.parse_typed_constant()]
        while self.eat(","):
            ops.append(self.parse_typed_constant())
        self.expect(")", f"')' closing constant expression '{op}'")
        if op == "select" and len(ops) != 3 or op in BINARY_OPS and len(ops) != 2:
            raise self.error(f"wrong number of operands for constant expression '{op}'", at)
        return ConstantExpr(op, ty, ops, flags)


def _gname(tok: str) -> str:
    return tok[1:]


def _int(text: str) -> int:
    if text[0] in "us" and text[1:3] == "0x":
        v = int(text[3:], 16)
        return v
    return int(text)


def _unescape(s: str) -> bytes:
    out = bytearray()
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == "\\" and i + 2 < n + 1 and i + 2 <= n:
            nxt = s[i + 1: i + 3]
            if nxt[:1] == "\\":
                out.append(0x5C)
                i += 2
                continue
            try:
                out.append(int(nxt, 16))
                i += 3
                continue
            except ValueError:
                pass
        out.extend(c.encode("utf-8"))
        i += 1
    return bytes(out)
