"""Tokenizer for textual LLVM IR of any release 7..23 (the union of their token sets).

Tokens are three parallel lists (kind, text, offset) so the parser indexes them without
allocating. Line and column are computed only when an error is reported.

The fast path asks the regular expression for strings only (`split` with two groups: the
skipped white space and comments, then the token), because building a match object per
token cost more than the matching itself; the kind of a token is then told from its text.
Input the fast path cannot tokenize exactly like the reference grammar below (an
unexpected character, a rare keyword/number ambiguity) goes through the reference
tokenizer, which also produces the located error messages.
"""

from __future__ import annotations

import re
from itertools import accumulate

from .errors import ParseError

_NAME = r'(?:[-a-zA-Z$._][-a-zA-Z$._0-9]*|[0-9]+|"[^"]*")'
# Possessive repeats (`*+`, `++`) where giving characters back can never lead to a match
# (no token starts with white space; a keyword or label cannot end before a character of
# its own set): the same matches, without the backtracking bookkeeping (4% of the split).
_SKIP = r"[ \t\r\n]*+(?:;[^\n]*+[ \t\r\n]*+)*+"

# The reference grammar. Leading white space and comments are folded into each match, and
# the alternatives are ordered by how often they occur in real modules. Keywords come
# early, so `f0x...` floats and `u0x`/`s0x` integers lex as keywords; the parser reads them
# as numbers where a constant is expected.
_ALTERNATIVES = r"""
 (?P<local>%""" + _NAME + r""")
|(?P<kw>[a-zA-Z_][a-zA-Z0-9_]*+)(?![-$.0-9a-zA-Z_:"])
|(?P<punct>\.\.\.|[=,*\[\]{}()<>|:]|!(?=\{))
|(?P<label>[-a-zA-Z$._0-9]++|"[^"]*"):
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
|(?P<str>"[^"]*")"""

_TOKEN = re.compile(_SKIP + "(?:" + _ALTERNATIVES + r"""
|(?P<end>[ \t\r\n]*\Z)
|(?P<bad>.))""", re.VERBOSE | re.DOTALL)

# The same alternatives, unnamed, inside one group after a group for what is skipped; no
# `bad` alternative, so an unexpected character leaves a gap `split` reports as text
# between two matches. The end of the input is an empty token.
_FAST = re.compile("(" + _SKIP + ")(" + re.sub(r"\(\?P<[a-z]+>", "(?:", _ALTERNATIVES)
                   + r"|\Z)", re.VERBOSE | re.DOTALL)

# A keyword-like `f0x..`, `u0x..` or `s0x..` directly followed by a character that stops
# it from being a keyword lexes as a number in the reference grammar: the fast path,
# which tells kinds from text alone, leaves such input to the reference tokenizer.
# Searched from the `0x`: a pattern starting with a literal is found several times faster
# than one starting with a character set.
_HEX_THEN_STOP = re.compile(r'0x[0-9a-fA-F]+[-$.:"]')


def _has_kw_or_number(source: str) -> bool:
    return any(source[m.start() - 1: m.start()] in ("f", "u", "s")
               for m in _HEX_THEN_STOP.finditer(source))

# Kind of a token by its first character, where that alone decides.
_BY_FIRST = {"%": "local", "@": "global", "^": "summary",
             **{c: c for c in "=,*[]{}()<>|"}}


def _kind(text: str) -> str:
    """The kind the reference grammar gives `text`, a token of the fast path."""
    c = text[0]
    if text[-1] == ":" and len(text) > 1:
        return "label"  # the label alternative precedes all others that could match
    if c == "!":
        return "!" if len(text) == 1 else ("mdstr" if text[1] == '"' else "meta")
    if c == "#":
        return "attrgrp" if text[1].isdigit() else "dbgrec"
    if c == "$":
        return "comdat"
    if c == '"':
        return "str"
    if c == "." or c == ":":
        return text  # `...` and `:`; a `.name:` is a label, caught above
    if c.isdigit() or c == "-" or c == "+":
        digits = text[1:] if c == "-" or c == "+" else text
        return "int" if digits.isdigit() else "float"
    if text.startswith('c"'):
        return "cstr"
    return "kw"


class _KindMemo(dict):
    """Kind by text, filled on first sight: most texts repeat (keywords, types,
    punctuation, local names across functions), and a hit costs no Python call."""

    def __missing__(self, text):
        kind = self[text] = _BY_FIRST.get(text[0]) or _kind(text)
        return kind


class Offsets:
    """Token start offsets, computed on the first request (errors, raw text slices)."""

    __slots__ = ("parts", "starts", "end", "source")

    def __init__(self, parts, source):
        self.parts = parts  # the fast path's split: (gap, skipped, token) per token
        self.starts = None
        self.end = len(source)
        self.source = source

    def between(self, a, b):
        """The source text from the start of token a to the start of token b, joined from
        the split parts: no need to sum the offsets of all earlier tokens."""
        if b >= len(self.parts) // 3:  # the end of input: the trailing parts were dropped
            return self.source[self[a]:]
        return "".join(self.parts[3 * a + 2: 3 * b + 2])

    def __getitem__(self, i):
        if self.starts is None:
            # the offset of token i is the length of all parts before its text
            sums = list(accumulate(map(len, self.parts), initial=0))
            self.starts = sums[2::3]
        if i >= len(self.starts):
            return self.end
        return self.starts[i]

    def __len__(self):
        return len(self.parts) // 3 + 1


class MatchOffsets:
    """Token start offsets of the reference tokenizer's matches."""

    __slots__ = ("matches", "end", "source")

    def __init__(self, matches, source):
        self.matches = matches
        self.end = len(source)
        self.source = source

    def between(self, a, b):
        return self.source[self[a]: self[b]]

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
    if not _has_kw_or_number(source):
        parts = _FAST.split(source)
        # every match starts where the previous one ended: no gap, no trailing rest
        if not any(parts[0::3]):
            while len(parts) > 1 and parts[-2] == "":  # the empty end-of-input token(s)
                del parts[-3:]
            texts = parts[2::3]
            kinds = list(map(_KindMemo().__getitem__, texts))
            # the text of a label is its name, without the colon (labels are few: one
            # C-level search per label)
            j = -1
            try:
                while True:
                    j = kinds.index("label", j + 1)
                    texts[j] = texts[j][:-1]
            except ValueError:
                pass
            kinds.append("eof")
            texts.append("end of file")
            return Tokens(kinds, texts, Offsets(parts, source), source, filename)
    return _tokenize_reference(source, filename)


def _tokenize_reference(source: str, filename: str) -> Tokens:
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
    return Tokens(kinds, texts, MatchOffsets(matches, source), source, filename)
