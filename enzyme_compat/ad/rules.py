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


def rules(kind: str, table: dict, releases: SpecifierSet = ALL_RELEASES) -> list[ForwardRule]:
    """ForwardRules from a {name: tangent} table (the form the rule plugins write)."""
    return [ForwardRule(kind, name, fn, releases) for name, fn in table.items()]


class RuleRegistry:
    """The rules and inactive functions that apply to one LLVM release."""

    def __init__(self, all_rules: Iterable[ForwardRule], inactive: Iterable[str] = (),
                 release: int | None = None):
        self.release = release
        self._rules: dict[tuple[str, str], ForwardRule] = {}
        for r in all_rules:
            if not r.applies_to(release):
                continue
            key = (r.kind, r.name)
            old = self._rules.get(key)
            if old is not None and old.priority == r.priority and old is not r:
                raise DifferentiationError(
                    f"two {r.kind} rules for {r.name!r} apply to LLVM {release}: "
                    f"give one a higher priority or disjoint releases")
            if old is None or r.priority > old.priority:
                self._rules[key] = r
        names = set(inactive)
        self._inactive_exact = {n for n in names if not n.endswith("*")}
        self._inactive_prefixes = tuple(n[:-1] for n in names if n.endswith("*"))

    def instruction(self, opcode: str) -> ForwardRule | None:
        return self._rules.get(("instruction", opcode))

    def function(self, name: str) -> ForwardRule | None:
        return self._rules.get(("function", name))

    def intrinsic(self, name: str) -> ForwardRule | None:
        """The rule for `llvm.<base>.<overload suffixes>`: the longest dotted base with a
        rule (`llvm.vector.reduce.fadd.v4f64` -> `vector.reduce.fadd`)."""
        if not name.startswith("llvm."):
            return None
        parts = name[5:].split(".")
        for n in range(len(parts), 0, -1):
            r = self._rules.get(("intrinsic", ".".join(parts[:n])))
            if r is not None:
                return r
        return None

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
    if not all_rules:
        raise DifferentiationError(
            "no derivative rules found: install the package (pip install -e .) so the "
            "rule plugins' entry points are registered")
    return RuleRegistry(all_rules, inactive, release)


@functools.lru_cache(maxsize=None)
def _default_pm():
    return ad_plugin_manager()


@functools.lru_cache(maxsize=32)
def default_registry(release: int | None = None) -> RuleRegistry:
    return registry_from(_default_pm(), release)
