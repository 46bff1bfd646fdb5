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
# ordered by how often they occur in real modules: this halves the lexing time. Keywords
# come early, so `f0x...` floats and `u0x`/`s0x` integers lex as keywords; the parser
# reads them as numbers where a constant is expected.
_TOKEN = re.compile(
    r"""[ \t\r\n]*(?:;[^\n]*[ \t\r\n]*)*(?:
 (?P<local>%""" + _NAME + r""")
|(?P<kw>[a-zA-Z_][a-zA-Z0-9_]*)(?![-$.0-9a-zA-Z_:"])
|(?P<punct>\.\.\.|[=,*\[\]{}()<>|:]|!(?=\{))
|(?P<label>[-a-zA-Z$._0-9]+|"[^"]*"):
|(?P<global>@""" + _NAME + r""")
|(?P<mdstr>!"[^"]*")
|(?P<meta>![-a-zA-Z$._0-9\\]+)
|(?P<attrgrp>\#[0-9]+)
|(?P<dbgrec>\#dbg_[a-z_]+)
|(?P<comdat>\$(?:[-a-zA-Z$._][-a-zA-Z$._0-9]*|"[^"]*"))
|(?P<summary>\^[0-9]+)
|(?P<float>
    f0x[0-9a-fA-F]+
   |[-+]?[0-9]+\.[0-9]*(?:[eE][-+]?[0-9]+)?
   |[-+]?0x[0-9a-fA-F]*\.?[0-9a-fA-F]*p[-+]?[0-9]+
   |0x[KLMHR][0-9a-fA-F]+
   |[-+]?0x[0-9a-fA-F]+
   |[-+](?:inf|qnan)\b
   |[-+]s?nan\(0x[0-9a-fA-F]+\)
   |[-+]nan\b)
|(?P<int>[-+]?[0-9]+|[us]0x[0-9a-fA-F]+)
|(?P<cstr>c"[^"]*")
|(?P<str>"[^"]*")
|(?P<end>[ \t\r\n]*\Z)
|(?P<bad>.))""",
    re.VERBOSE | re.DOTALL,
)


class Offsets:
    """Token start offsets, computed only when asked (errors, raw text slices)."""

    __slots__ = ("matches", "end")

    def __init__(self, matches, end):
        self.matches = matches
        self.end = end

    def __getitem__(self, i):
        if i >= len(self.matches):
            return self.end
        m = self.matches[i]
        return m.start(m.lastgroup)

    def __len__(self):
        return len(self.matches) + 1


class Tokens:
    __slots__ = ("kinds", "texts", "offsets", "source", "filename")

    def __init__(self, kinds, texts, offsets, source, filename):
        self.kinds = kinds
        self.texts = texts
        self.offsets = offsets
        self.source = source
        self.filename = filename


def tokenize(source: str, filename: str = "<input>") -> Tokens:
    matches = list(_TOKEN.finditer(source))
    while matches and matches[-1].lastgroup == "end":
        matches.pop()
    groups = [m.lastgroup for m in matches]
    texts = [m[g] for m, g in zip(matches, groups)]
    if "bad" in groups:
        j = groups.index("bad")
        m = matches[j]
        at = m.start(m.lastgroup)
        if source.startswith('"', at) or source.startswith('c"', at):
            at = source.index('"', at)
            raise ParseError("unterminated string constant (missing '\"')", source, at,
                             filename)
        raise ParseError(f"unexpected character {texts[j]!r}", source, at, filename)
    # punctuation is its own kind, so the parser compares kinds only
    kinds = [t if g == "punct" else g for g, t in zip(groups, texts)]
    kinds.append("eof")
    texts.append("end of file")
    return Tokens(kinds, texts, Offsets(matches, len(source)), source, filename)
