"""Tokenizer for textual LLVM IR of any release 7..23 (the union of their token sets).

One compiled regular expression does the work; tokens are three parallel lists (kind,
text, offset) so the parser indexes them without allocating. Line and column are
computed only when an error is reported.
"""

from __future__ import annotations

import re

from .errors import ParseError

_NAME = r'(?:[-a-zA-Z$._][-a-zA-Z$._0-9]*|[0-9]+|"[^"]*")'

# Leading white space and comments are folded into each match, and the alternatives are
# ordered by how often they occur in real modules: this halves the lexing time.
_TOKEN = re.compile(
    r"""[ \t\r\n]*(?:;[^\n]*[ \t\r\n]*)*(?:
 (?P<local>%""" + _NAME + r""")
|(?P<float>f0x[0-9a-fA-F]+)
|(?P<int>[us]0x[0-9a-fA-F]+)
|(?P<kw>[a-zA-Z_][a-zA-Z0-9_]*)(?![-$.0-9a-zA-Z_:"])
|(?P<punct>\.\.\.|[=,*\[\]{}()<>|:])
|(?P<label>(?:[-a-zA-Z$._0-9]+|"[^"]*"):)
|(?P<global>@""" + _NAME + r""")
|(?P<mdstr>!"[^"]*")
|(?P<meta>![-a-zA-Z$._0-9\\]+)
|(?P<bang>!)
|(?P<attrgrp>\#[0-9]+)
|(?P<dbgrec>\#dbg_[a-z_]+)
|(?P<comdat>\$(?:[-a-zA-Z$._][-a-zA-Z$._0-9]*|"[^"]*"))
|(?P<summary>\^[0-9]+)
|(?P<float_>
    [-+]?[0-9]+\.[0-9]*(?:[eE][-+]?[0-9]+)?
   |[-+]?0x[0-9a-fA-F]*\.?[0-9a-fA-F]*p[-+]?[0-9]+
   |0x[KLMHR][0-9a-fA-F]+
   |[-+]?0x[0-9a-fA-F]+
   |[-+](?:inf|qnan)\b
   |[-+]s?nan\(0x[0-9a-fA-F]+\)
   |[-+]nan\b)
|(?P<int_>[-+]?[0-9]+)
|(?P<cstr>c"[^"]*")
|(?P<str>"[^"]*")
|(?P<end>[ \t\r\n]*\Z)
|(?P<bad>.))""",
    re.VERBOSE | re.DOTALL,
)

# Group name -> token kind (punctuation is its own kind, handled below).
_KIND = {"float_": "float", "int_": "int", "bang": "!"}


class Tokens:
    __slots__ = ("kinds", "texts", "offsets", "source", "filename")

    def __init__(self, kinds, texts, offsets, source, filename):
        self.kinds = kinds
        self.texts = texts
        self.offsets = offsets
        self.source = source
        self.filename = filename


def tokenize(source: str, filename: str = "<input>") -> Tokens:
    kinds: list[str] = []
    texts: list[str] = []
    offsets: list[int] = []
    ka, ta, oa = kinds.append, texts.append, offsets.append
    kind_of = _KIND.get
    for m in _TOKEN.finditer(source):
        group = kind = m.lastgroup
        text = m.group(kind)
        if kind == "punct":
            kind = text
        elif kind == "label":
            text = text[:-1]
        elif kind == "end":
            break
        elif kind == "bad":
            at = m.start(kind)
            if source.startswith('"', at) or source.startswith('c"', at):
                at = source.index('"', at)
                raise ParseError("unterminated string constant (missing '\"')", source, at,
                                 filename)
            raise ParseError(f"unexpected character {text!r}", source, at, filename)
        else:
            kind = kind_of(kind, kind)
        ka(kind)
        ta(text)
        oa(m.start(group))
    ka("eof")
    ta("end of file")
    oa(len(source))
    return Tokens(kinds, texts, offsets, source, filename)

