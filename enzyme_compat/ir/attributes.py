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

LOCATIONS = ("argmem", "inaccessiblemem", "errnomem", "other")
_ACCESS = {"none": 0, "read": 1, "write": 2, "readwrite": 3}
_ACCESS_NAME = {v: k for k, v in _ACCESS.items()}


def parse_memory(text: str) -> dict | None:
    """`argmem: read, inaccessiblemem: write` -> {'argmem': 1, ...}; None if unknown."""
    effects = dict.fromkeys(LOCATIONS, 0)
    default = None
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if ":" in part:
            loc, acc = (s.strip() for s in part.split(":", 1))
            if acc not in _ACCESS:
                return None
            if loc not in LOCATIONS:
                # target-specific locations (e.g. target_mem0) are folded into 'other'
                loc = "other"
                effects[loc] |= _ACCESS[acc]
                continue
            effects[loc] = _ACCESS[acc]
        else:
            if part not in _ACCESS:
                return None
            default = _ACCESS[part]
    if default is not None:
        explicit = {p.split(":")[0].strip() for p in text.split(",") if ":" in p}
        for loc in LOCATIONS:
            if loc not in explicit:
                effects[loc] = default
    return effects


def format_memory(effects: dict, locations=LOCATIONS) -> str:
    """Shortest `memory(...)` body: a default access plus the locations that differ."""
    vals = [effects.get(loc, 0) for loc in locations]
    default = max(set(vals), key=vals.count)
    parts = [_ACCESS_NAME[default]] if default or all(v == default for v in vals) else []
    for loc, v in zip(locations, vals):
        if v != default:
            parts.append(f"{loc}: {_ACCESS_NAME[v]}")
    if not parts:
        parts = ["none"]
    return ", ".join(parts)


# Old function attributes (LLVM <= 15 spelling) and the effects they state.
def effects_from_legacy(kinds: set) -> dict | None:
    acc = 3
    if "readnone" in kinds:
        acc = 0
    elif "readonly" in kinds:
        acc = 1
    elif "writeonly" in kinds:
        acc = 2
    if "argmemonly" in kinds:
        locs = {"argmem"}
    elif "inaccessiblememonly" in kinds:
        locs = {"inaccessiblemem"}
    elif "inaccessiblemem_or_argmemonly" in kinds:
        locs = {"argmem", "inaccessiblemem"}
    else:
        locs = set(LOCATIONS)
    if acc == 3 and len(locs) == len(LOCATIONS):
        return None
    return {loc: (acc if loc in locs else 0) for loc in LOCATIONS}


LEGACY_MEMORY_ATTRS = frozenset({"readnone", "readonly", "writeonly", "argmemonly",
                                 "inaccessiblememonly", "inaccessiblemem_or_argmemonly"})


def legacy_from_effects(effects: dict) -> list[str]:
    """Old-spelling attributes that state no more than `effects` allows (a sound widening:
    anything not expressible is dropped, which only makes fewer promises)."""
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
