"""Denormal floating-point modes: `"denormal-fp-math"="out,in"` and
`"denormal-fp-math-f32"="out,in"` strings (up to LLVM 22) <-> `denormal_fpenv(out|in,
float: out|in)` (LLVM 23, whose reader keeps but no longer honours the strings)."""

from __future__ import annotations

from .attributes import Attr

_TO_ENV = {"ieee": "ieee", "preserve-sign": "preservesign", "positive-zero": "positivezero",
           "dynamic": "dynamic"}
_TO_STR = {v: k for k, v in _TO_ENV.items()}
STRING_KEYS = ('"denormal-fp-math"', '"denormal-fp-math-f32"')


def _env_mode(pair: str) -> str | None:
    parts = [p.strip() for p in pair.strip('"').split(",")]
    if len(parts) == 1:
        parts *= 2
    if len(parts) != 2 or any(p not in _TO_ENV for p in parts):
        return None
    out, inp = (_TO_ENV[p] for p in parts)
    return out if out == inp else f"{out}|{inp}"


def _str_mode(mode: str) -> str | None:
    parts = [p.strip() for p in mode.split("|")]
    if len(parts) == 1:
        parts *= 2
    if len(parts) != 2 or any(p not in _TO_STR for p in parts):
        return None
    return '"' + ",".join(_TO_STR[p] for p in parts) + '"'


def strings_to_env(attrs: list) -> list:
    found = {a.kind: a for a in attrs if isinstance(a, Attr) and a.kind in STRING_KEYS}
    if not found:
        return attrs
    default = found.get(STRING_KEYS[0])
    f32 = found.get(STRING_KEYS[1])
    parts = []
    dm = _env_mode(default.arg) if default is not None and default.arg else "ieee"
    fm = _env_mode(f32.arg) if f32 is not None and f32.arg else None
    if dm is None or (f32 is not None and fm is None):
        return attrs  # not understood: keep the strings as written
    if default is not None or fm is None:
        parts.append(dm)
    if fm is not None:
        parts.append(f"float: {fm}")
    rest = [a for a in attrs if not (isinstance(a, Attr) and a.kind in STRING_KEYS)]
    return rest + [Attr("denormal_fpenv", ", ".join(parts), "paren")]


def env_to_strings(attr: Attr) -> list | None:
    """The string attributes for one `denormal_fpenv(...)`; None if not understood."""
    out = []
    for part in (p.strip() for p in attr.arg.split(",")):
        key = STRING_KEYS[0]
        if part.startswith("float:"):
            key, part = STRING_KEYS[1], part[len("float:"):].strip()
        value = _str_mode(part)
        if value is None:
            return None
        out.append(Attr(key, value, "str"))
    return out
