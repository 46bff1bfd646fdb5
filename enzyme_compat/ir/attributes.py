"""Attributes: kept as written (keyword plus argument), so unknown ones survive untouched.

`style` says how the argument is spelled: None (bare keyword), 'space' (`align 8`),
'eq' (`alignstack=16` inside attribute groups), 'paren' (`dereferenceable(8)`, raw text),
'type' (`byval(%struct.S)`, a Type), 'str' (`"key"="value"` or bare `"key"`).
"""

from __future__ import annotations

# Attributes whose argument is a type.
TYPE_ATTRS = frozenset({"byval", "sret", "byref", "preallocated", "inalloca", "elementtype"})


class Attr:
    __slots__ = ("kind", "arg", "style")

    def __init__(self, kind: str, arg=None, style: str | None = None):
        self.kind = kind
        self.arg = arg
        self.style = style

    def with_arg(self, arg, style=None):
        return Attr(self.kind, arg, style or self.style)

    def __repr__(self):
        return f"Attr({self.kind!r}, {self.arg!r}, {self.style!r})"


class AttrGroupRef:
    """`#N` in a function header or call site."""

    __slots__ = ("id",)

    def __init__(self, id: str):
        self.id = id

    kind = "#"


class AttrGroup:
    __slots__ = ("id", "attrs")

    def __init__(self, id: str, attrs: list):
        self.id = id
        self.attrs = attrs


def find(attrs, kind):
    for a in attrs:
        if isinstance(a, Attr) and a.kind == kind:
            return a
    return None


# ------------------------------------------------ memory effects (`memory(...)`, LLVM 16+)

_ACCESS = {"none": 0, "read": 1, "write": 2, "readwrite": 3}
_ACCESS_NAME = {v: k for k, v in _ACCESS.items()}


def parse_memory(text: str) -> dict | None:
    """`read, argmem: none` -> {'other': 1, 'argmem': 0}: one entry per location written,
    'other' holding the default access; None if the text is not understood."""
    effects = {}
    default = 0
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if ":" in part:
            loc, acc = (x.strip() for x in part.split(":", 1))
            if acc not in _ACCESS:
                return None
            effects[loc] = _ACCESS[acc]
        elif part in _ACCESS:
            default = _ACCESS[part]
        else:
            return None
    effects["other"] = default
    return effects


def fold_memory(effects: dict, locations) -> dict:
    """Effects restricted to the locations a release can name: every other location's
    access is merged into the default (a sound widening)."""
    out = {"other": effects.get("other", 0)}
    default = out["other"]
    for loc in locations:
        out[loc] = effects.get(loc, default)
    for loc, acc in effects.items():
        if loc != "other" and loc not in locations:
            out["other"] |= acc
    return out


def format_memory(effects: dict, locations) -> str:
    """`memory(...)` body: the default access, then the locations that differ from it."""
    default = effects.get("other", 0)
    parts = []
    for loc in locations:
        acc = effects.get(loc, default)
        if acc != default:
            parts.append(f"{loc}: {_ACCESS_NAME[acc]}")
    if default or not parts:
        parts.insert(0, _ACCESS_NAME[default])
    return ", ".join(parts)


def legacy_from_effects(effects: dict) -> list[str]:
    """Old-spelling attributes that state no more than `effects` allows (a sound widening:
    anything not expressible is dropped, which only makes fewer promises)."""
    effects = fold_memory(effects, ("argmem", "inaccessiblemem"))
    touched = {loc for loc, v in effects.items() if v}
    combined = 0
    for v in effects.values():
        combined |= v
    if combined == 0:
        return ["readnone"]
    access = {1: ["readonly"], 2: ["writeonly"], 3: []}[combined]
    if touched == {"argmem"}:
        return ["argmemonly"] + access
    if touched == {"inaccessiblemem"}:
        return ["inaccessiblememonly"] + access
    if touched <= {"argmem", "inaccessiblemem"}:
        return ["inaccessiblemem_or_argmemonly"] + access
    return access
