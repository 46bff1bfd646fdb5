"""Tokenizer for textual LLVM IR of any release 7..23 (the union of their token sets).

One compiled regular expression does the work; tokens are three parallel lists (kind,
text, offset) so the parser indexes them without allocating. Line and column are
computed only when an error is reported.
"""

from __future__ import annotations

import re

from .errors import ParseError

_NAME = r'(?:[-a-zA-Z$._][-a-zA-Z$._0-9]*|[0-9]+|"[^"]*")'

_TOKEN = re.compile(
    r"""
 (?P<ws>(?:[ \t\r\n]+|;[^\n]*)+)
|(?P<label>(?:[-a-zA-Z$._0-9]+|"[^"]*"):)
|(?P<local>%""" + _NAME + r""")
|(?P<global>@""" + _NAME + r""")
|(?P<comdat>\$(?:[-a-zA-Z$._][-a-zA-Z$._0-9]*|"[^"]*"))
|(?P<mdstr>!"[^"]*")
|(?P<meta>![-a-zA-Z$._0-9\\]+)
|(?P<dbgrec>\#dbg_[a-z_]+)
|(?P<attrgrp>\#[0-9]+)
|(?P<summary>\^[0-9]+)
|(?P<float>
    [-+]?[0-9]+\.[0-9]*(?:[eE][-+]?[0-9]+)?
   |[-+]?0x[0-9a-fA-F]*\.?[0-9a-fA-F]*p[-+]?[0-9]+
   |0x[KLMHR][0-9a-fA-F]+
   |[-+]?0x[0-9a-fA-F]+
   |f0x[0-9a-fA-F]+
   |[-+](?:inf|qnan)\b
   |[-+]?s?nan\(0x[0-9a-fA-F]+\)
   |[-+]nan\b)
|(?P<int>[-+]?[0-9]+|[us]0x[0-9a-fA-F]+)
|(?P<cstr>c"[^"]*")
|(?P<str>"[^"]*")
|(?P<kw>[a-zA-Z_][a-zA-Z0-9_]*)
|(?P<punct>\.\.\.|[=,*\[\]{}()<>!|:])
|(?P<bad>.)
""",
    re.VERBOSE | re.DOTALL,
)


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
    for m in _TOKEN.finditer(source):
        kind = m.lastgroup
        if kind == "ws":
            continue
        text = m.group()
        if kind == "punct":
            kind = text
        elif kind == "bad":
            what = "unterminated string" if text == '"' else f"unexpected character {text!r}"
            raise ParseError(what, source, m.start(), filename)
        elif kind == "label":
            text = text[:-1]
        ka(kind)
        ta(text)
        oa(m.start())
    ka("eof")
    ta("end of file")
    oa(len(source))
    return Tokens(kinds, texts, offsets, source, filename)
