"""The dialect of one LLVM release, folded from the release plugins' deltas.

The printer and the legalizer ask a Dialect every release-dependent question:
`has(feature)`, `keep_attr(kind)`, `keep_flag(opcode, flag)`, `constexpr_ok(opcode)`,
`intrinsic_name(name)`, `spelling(question)`. The answers come only from plugin data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import EnzymeCompatError


@dataclass
class ReleaseDelta:
    """What one LLVM release changed in textual IR, relative to the release before it.

    features: syntax first accepted (and printed) by this release.
    removed: syntax this release no longer accepts.
    attributes: attribute keywords first accepted by this release.
    flags: (opcode, flag) pairs first accepted; opcode '*' means any opcode.
    constexprs_removed: constant-expression opcodes this release rejects.
    md_fields: (node kind, field name) pairs of debug-info metadata first accepted.
    intrinsic_renames: (old prefix, new prefix) pairs; the new spelling is printed from
        this release on, the old one before it.
    pointers: 'typed', 'as-input' or 'opaque' when this release changes pointer printing.
    spellings: question -> answer (often a function) overriding earlier releases'.
    """

    release: int
    features: set = field(default_factory=set)
    removed: set = field(default_factory=set)
    attributes: set = field(default_factory=set)
    flags: set = field(default_factory=set)
    constexprs_removed: set = field(default_factory=set)
    intrinsic_renames: list = field(default_factory=list)
    md_fields: set = field(default_factory=set)
    pointers: str | None = None
    spellings: dict = field(default_factory=dict)


class UnknownRelease(EnzymeCompatError):
    pass


class Dialect:
    def __init__(self, release: int, deltas: list[ReleaseDelta]):
        self.release = release
        self.features: set = set()
        self.attributes: set = set()
        self.flags: set = set()
        self.constexprs_removed: set = set()
        self.pointers = "typed"
        self.spellings: dict = {}
        self.renames_later: list = []  # renames not yet in effect: print the old name
        self.renames_now: list = []  # renames in effect: print the new name
        self.future_attributes: set = set()
        self.future_flags: set = set()
        self.future_md_fields: set = set()
        for d in sorted(deltas, key=lambda d: d.release):
            if d.release <= release:
                self.features |= d.features
                self.features -= d.removed
                self.attributes |= d.attributes
                self.flags |= d.flags
                self.constexprs_removed |= d.constexprs_removed
                if d.pointers:
                    self.pointers = d.pointers
                self.spellings.update(d.spellings)
                self.renames_now.extend(d.intrinsic_renames)
            else:
                self.future_attributes |= d.attributes
                self.future_flags |= d.flags
                self.future_md_fields |= d.md_fields
                self.renames_later.extend(d.intrinsic_renames)
        self.renames_later.reverse()  # undo the newest rename first

    def __repr__(self):
        return f"<Dialect LLVM {self.release}>"

    def has(self, feature: str) -> bool:
        return feature in self.features

    def keep_attr(self, kind: str) -> bool:
        return kind not in self.future_attributes or kind in self.attributes

    def keep_flag(self, opcode: str, flag: str) -> bool:
        for key in ((opcode, flag), ("*", flag)):
            if key in self.future_flags and key not in self.flags:
                return False
        return True

    def keep_md_field(self, kind: str, name: str) -> bool:
        return (kind, name) not in self.future_md_fields

    def constexpr_ok(self, opcode: str) -> bool:
        return opcode not in self.constexprs_removed

    def spelling(self, question: str, default=None):
        return self.spellings.get(question, default)

    def intrinsic_name(self, name: str) -> str:
        """The spelling of an intrinsic's name in this release (renames both ways)."""
        if not name.startswith("llvm."):
            return name
        for old, new in self.renames_now:
            if name.startswith(old) and not name.startswith(new):
                name = new + name[len(old):]
        for old, new in self.renames_later:
            if name.startswith(new):
                name = old + name[len(new):]
        return name


def all_deltas(plugins=None) -> list[ReleaseDelta]:
    from .plugins import default_plugin_manager, make_plugin_manager

    pm = default_plugin_manager() if plugins is None else make_plugin_manager(plugins)
    return [d for d in pm.hook.enzyme_compat_release_delta() if d is not None]


def known_releases(plugins=None) -> list[int]:
    return sorted({d.release for d in all_deltas(plugins)})


_CACHE: dict = {}


def dialect_for(release: int | None = None, plugins=None) -> Dialect:
    key = (release, tuple(map(id, plugins or ())))
    d = _CACHE.get(key)
    if d is None:
        deltas = all_deltas(plugins)
        releases = sorted({x.release for x in deltas})
        if release is None:
            release = releases[-1]
        if release not in releases:
            raise UnknownRelease(f"unknown LLVM release {release}: supported releases are "
                                 f"{releases[0]}..{releases[-1]}")
        d = _CACHE[key] = Dialect(release, deltas)
    return d
