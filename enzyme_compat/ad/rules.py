"""The derivative-rule registry: rules are data, contributed by plugins.

A `ForwardRule` says how the tangent of one opcode, intrinsic or library function is
computed, and for which LLVM releases (a `SpecifierSet`) it applies. The engine looks rules
up here and never mentions specific math. Rule sets are plugin modules (built-in ones live
in `plugins/rules_*.py`) implementing the `enzyme_compat_forward_rules` hook.

A rule's `tangent` is called as `tangent(b, args, dargs)`: `b` is a
`enzyme_compat.ad.builder.TangentBuilder` positioned after the primal instruction
(`b.inst` the original instruction, `b.result` its primal value in the tangent function),
`args` the primal operands (call arguments for calls) and `dargs` their tangents, None
where an operand carries no tangent (its tangent is zero). It returns the tangent of the
result (None for zero) after emitting whatever it needs. A rule whose `tangent` is None
marks the result as inactive: it carries no derivative whatever its operands.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable, Iterable

import pluggy
from packaging.specifiers import SpecifierSet

from .errors import DifferentiationError

KINDS = ("instruction", "intrinsic", "function")
ALL_RELEASES = SpecifierSet(">=7")


@dataclass(frozen=True)
class ForwardRule:
    kind: str  # "instruction" (by opcode), "intrinsic" (llvm.<name>), "function" (exact name)
    name: str
    tangent: Callable | None  # None: inactive, the result has no derivative
    releases: SpecifierSet = field(default=ALL_RELEASES)
    priority: int = 0  # a plugin overrides a built-in rule with a higher priority

    def __post_init__(self):
        if self.kind not in KINDS:
            raise DifferentiationError(f"rule {self.name!r}: unknown kind {self.kind!r}")

    @property
    def inactive(self) -> bool:
        return self.tangent is None

    def applies_to(self, release: int | None) -> bool:
        return release is None or self.releases.contains(str(release))


@dataclass(frozen=True)
class ReverseRule:
    """How the adjoints of one opcode, intrinsic or library function's operands are
    computed: `adjoint(rb, args, dy)` with `rb` a `ReverseBuilder` positioned in the
    reverse sweep, `args` the operands' forward values (read lazily: only those asked for
    are kept on the tape) and `dy` the adjoint of the result (None: zero). It returns one
    adjoint per operand (None: nothing to add) and may update shadow memory itself.

    Operations without a reverse rule but with a forward one that is elementwise (every
    float arithmetic op and math function: one result lane from the same lane of each
    operand, no memory) get their adjoints from the forward rule (the transpose of a
    diagonal Jacobian is itself); lane-mixing or memory operations need a reverse rule."""
    kind: str
    name: str
    adjoint: Callable | None  # None: the operands get no adjoint from this operation
    releases: SpecifierSet = field(default=ALL_RELEASES)
    priority: int = 0

    def __post_init__(self):
        if self.kind not in KINDS:
            raise DifferentiationError(f"rule {self.name!r}: unknown kind {self.kind!r}")

    applies_to = ForwardRule.applies_to


def rules(kind: str, table: dict, releases: SpecifierSet = ALL_RELEASES,
          rule_class=ForwardRule) -> list:
    """Rules from a {name: function} table (the form the rule plugins write)."""
    return [rule_class(kind, name, fn, releases) for name, fn in table.items()]


def reverse_rules(kind: str, table: dict, releases: SpecifierSet = ALL_RELEASES) -> list:
    return rules(kind, table, releases, ReverseRule)


def _select(all_rules, release):
    """The rules that apply to `release`, one per (kind, name): the highest priority."""
    chosen: dict = {}
    for r in all_rules:
        if not r.applies_to(release):
            continue
        key = (r.kind, r.name)
        old = chosen.get(key)
        if old is not None and old.priority == r.priority and old is not r:
            raise DifferentiationError(
                f"two {r.kind} rules for {r.name!r} apply to LLVM {release}: "
                f"give one a higher priority or disjoint releases")
        if old is None or r.priority > old.priority:
            chosen[key] = r
    return chosen


def _intrinsic_lookup(table, name):
    """The rule for `llvm.<base>.<overload suffixes>`: the longest dotted base with a rule
    (`llvm.vector.reduce.fadd.v4f64` -> `vector.reduce.fadd`)."""
    if not name.startswith("llvm."):
        return None
    parts = name[5:].split(".")
    for n in range(len(parts), 0, -1):
        r = table.get(("intrinsic", ".".join(parts[:n])))
        if r is not None:
            return r
    return None


class RuleRegistry:
    """The rules and inactive functions that apply to one LLVM release."""

    def __init__(self, all_rules: Iterable[ForwardRule], inactive: Iterable[str] = (),
                 release: int | None = None, reverse: Iterable[ReverseRule] = ()):
        self.release = release
        self._rules = _select(all_rules, release)
        self._reverse = _select(reverse, release)
        names = set(inactive)
        self._inactive_exact = {n for n in names if not n.endswith("*")}
        self._inactive_prefixes = tuple(n[:-1] for n in names if n.endswith("*"))

    def instruction(self, opcode: str) -> ForwardRule | None:
        return self._rules.get(("instruction", opcode))

    def function(self, name: str) -> ForwardRule | None:
        return self._rules.get(("function", name))

    def intrinsic(self, name: str) -> ForwardRule | None:
        """The rule for `llvm.<base>.<overload suffixes>`."""
        return _intrinsic_lookup(self._rules, name)

    def reverse(self, kind: str, name: str) -> ReverseRule | None:
        """The reverse rule for an opcode, intrinsic (full `llvm.` name) or function."""
        if kind == "intrinsic":
            return _intrinsic_lookup(self._reverse, name)
        return self._reverse.get((kind, name))

    def is_inactive_function(self, name: str) -> bool:
        if name in self._inactive_exact:
            return True
        return bool(self._inactive_prefixes) and name.startswith(self._inactive_prefixes)

    def instruction_is_inactive(self, opcode: str) -> bool:
        r = self.instruction(opcode)
        return r is not None and r.inactive


def ad_plugin_manager(extra=(), entry_points: bool = True) -> pluggy.PluginManager:
    """A plugin manager that knows the core and the AD hooks (the core one does both)."""
    from ..plugins import make_plugin_manager

    return make_plugin_manager(extra, entry_points)


def registry_from(pm: pluggy.PluginManager, release: int | None) -> RuleRegistry:
    all_rules = [r for batch in pm.hook.enzyme_compat_forward_rules() if batch for r in batch]
    inactive = [n for batch in pm.hook.enzyme_compat_inactive_functions() if batch
                for n in batch]
    reverse = [r for batch in pm.hook.enzyme_compat_reverse_rules() if batch for r in batch]
    if not all_rules:
        raise DifferentiationError(
            "no derivative rules found: install the package (pip install -e .) so the "
            "rule plugins' entry points are registered")
    return RuleRegistry(all_rules, inactive, release, reverse)


@functools.lru_cache(maxsize=None)
def _default_pm():
    return ad_plugin_manager()


@functools.lru_cache(maxsize=32)
def default_registry(release: int | None = None) -> RuleRegistry:
    return registry_from(_default_pm(), release)
