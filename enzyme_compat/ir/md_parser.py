"""Metadata: named and numbered nodes, tuples, specialised `!DI...(...)` nodes (scalar
fields kept as raw text), values used as metadata, attachments.

A mixin of `Parser` (see parser.py for the token helpers it relies on).
"""

from __future__ import annotations

from .types import TYPE_START_KW
from .values import MDNode, MDRaw, MDRef, MDString, MDTuple, MDValue


class MetadataParser:
    def parse_md_def(self):
        name = self.t[self.i][1:]
        self.i += 1
        self.expect("=")
        if name.isdigit():
            distinct = self.eat_kw("distinct")
            md = self.parse_md()
            if distinct and isinstance(md, (MDTuple, MDNode)):
                md.distinct = True
            self.m.numbered_md.append((name, md))
        else:
            self.expect("!", "'!{' for named metadata")
            self.expect("{")
            elems = []
            if not self.eat("}"):
                while True:
                    if self.k[self.i] != "meta":
                        raise self.expected("metadata node reference")
                    elems.append(self.md_ref())
                    if self.eat("}"):
                        break
                    self.expect(",")
            self.m.named_md.append((name, elems))

    def md_ref(self):
        name = self.t[self.i][1:]
        if name.isdigit():
            self.md_refs.setdefault(name, self.i)
        self.i += 1
        return MDRef(name)

    def parse_attachment(self):
        kind = self.t[self.i][1:]
        self.i += 1
        return (kind, self.parse_md())

    def parse_md(self):
        k = self.k[self.i]
        if k == "meta":
            if self.k[self.i + 1] == "(" and not self.t[self.i][1].isdigit():
                return self.parse_md_node()
            return self.md_ref()
        if k == "mdstr":
            self.i += 1
            return MDString(self.t[self.i - 1][1:])
        if k == "!":
            self.i += 1
            self.expect("{", "'{' after '!'")
            return MDTuple(self.parse_list("}", self.parse_md_operand, "metadata tuple"))
        if self.is_kw("distinct"):
            self.i += 1
            md = self.parse_md()
            md.distinct = True
            return md
        ty = self.parse_optional_type()
        if ty is not None:
            return MDValue(self.parse_value(ty))
        raise self.expected("metadata")

    def parse_md_operand(self):
        if self.is_kw("null"):
            self.i += 1
            return None
        return self.parse_md()

    def parse_md_node(self):
        kind = self.t[self.i][1:]
        self.i += 2
        fields = []
        if self.eat(")"):
            return MDNode(kind, fields)
        while True:
            name = None
            if self.k[self.i] == "label":
                name = self.t[self.i]
                self.i += 1
            fields.append((name, self.parse_md_field()))
            if self.eat(")"):
                return MDNode(kind, fields)
            self.expect(",", f"',' or ')' in !{kind}(...)")

    def parse_md_field(self):
        k = self.k[self.i]
        if k in ("meta", "mdstr", "!") or self.is_kw("distinct"):
            return self.parse_md()
        if k == "kw" and (self.t[self.i] in TYPE_START_KW or
                          (self.t[self.i][0] == "i" and self.t[self.i][1:].isdigit())):
            return self.parse_md()
        start = self.i
        depth = 0
        while True:
            k = self.k[self.i]
            if k == "eof":
                raise self.error("unterminated metadata node", start)
            if depth == 0 and k in (",", ")"):
                break
            if k == "(":
                depth += 1
            elif k == ")":
                depth -= 1
            self.i += 1
        if self.i == start:
            raise self.expected("metadata field value")
        return MDRaw(self.src[self.o[start]: self.o[self.i - 1] + len(self.t[self.i - 1])])
