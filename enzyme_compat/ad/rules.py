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

Plugins also name inactive functions and globals and custom allocators (`AllocationLike`).
`registry_from` builds the `RuleRegistry` of one release from a plugin manager, leaving out
the plugins whose `ENZYME_COMPAT_RELEASES` excludes that release.
"""

from __future__ import annotations

import dataclasses
import functools
import re
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
    # A call that exchanges data with other processes (MPI): `communicates(call)` returns
    # None when this call carries no derivative (an integer datatype), else the indices of
    # the pointer arguments whose memory carries derivatives whenever the call runs (a
    # receive buffer: the data comes from another process, whose activity this one cannot
    # see). Those get shadows, and the call's rules run even when none of its operands is
    # active here, so every process takes part in the derivative's communication.
    communicates: Callable | None = None

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


@dataclass(frozen=True)
class AllocationLike:
    """A custom allocator: a call of `name` returns fresh memory of (the product of the
    arguments at the indices `size_args`) bytes, e.g. `(0,)` for `name(size)` like malloc,
    `(0, 1)` for `name(count, size)` like calloc; its shadow is a zeroed allocation of the
    same size. `free` names the function that releases it (its first argument the
    pointer), None when there is none. `data_field`: the allocator returns a header
    (numba's MemInfo) whose pointer at that byte offset is the data; the shadow then
    comes from the same allocator (a `free` is needed) and its data, not the header, is
    zeroed. `free_takes_args`: the deallocator takes the pointer followed by the
    allocation's own arguments (Rust's `__rust_dealloc(p, size, align)` after
    `__rust_alloc(size, align)`).

    `name` may hold `*` wildcards (mangled names with a hash inside, like Rust's
    `_RNvCs*_7___rustc12___rust_alloc`): `free` may then use the same number of `*`,
    filled with what each matched in the allocator's name."""
    name: str
    size_args: tuple = (0,)
    free: str | None = None
    data_field: int | None = None
    free_takes_args: bool = False

    def __post_init__(self):
        args = (self.size_args,) if isinstance(self.size_args, int) else self.size_args
        try:
            args = tuple(int(k) for k in args)
        except (TypeError, ValueError):
            args = ()
        if not isinstance(self.name, str) or not self.name:
            raise DifferentiationError(f"allocation-like function: a name is needed, got "
                                       f"{self.name!r}")
        if not args or any(k < 0 for k in args):
            raise DifferentiationError(
                f"allocation-like function {self.name!r}: size_args must be argument "
                f"indices (>= 0), at least one, got {self.size_args!r}")
        object.__setattr__(self, "size_args", args)
        if self.data_field is not None and (not isinstance(self.data_field, int)
                                            or self.data_field < 0 or not self.free):
            raise DifferentiationError(
                f"allocation-like function {self.name!r}: data_field must be a byte offset "
                f"(>= 0) and needs a `free`, got {self.data_field!r} with free {self.free!r}")


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


def _wildcards(pattern: str) -> re.Pattern:
    """A name with `*` wildcards (any run of characters) as a regular expression."""
    return re.compile("(.*?)".join(re.escape(part) for part in pattern.split("*")) + r"\Z")


class _Names:
    """A set of names: those ending in `*` prefixes, those with a `*` elsewhere patterns
    (`_RNvNtCs*_4core9panicking*`: mangled names with a hash inside)."""

    def __init__(self, names: Iterable[str]):
        names = set(names)
        self.exact = {n for n in names if "*" not in n}
        self.prefixes = tuple(n[:-1] for n in names if n.endswith("*") and "*" not in n[:-1])
        middle = sorted(n for n in names if "*" in n[:-1])
        self.pattern = (re.compile("|".join(f"(?:{_wildcards(n).pattern})" for n in middle))
                        if middle else None)

    def __contains__(self, name: str) -> bool:
        return (name in self.exact or (bool(self.prefixes) and name.startswith(self.prefixes))
                or (self.pattern is not None and self.pattern.match(name) is not None))


def _allocations(records: Iterable[AllocationLike]) -> dict:
    """{name: record} of the exact names; patterns under their own text."""
    found: dict = {}
    for a in records:
        old = found.get(a.name)
        if old is not None and old != a:
            raise DifferentiationError(f"two allocation-like records for {a.name!r} "
                                       f"disagree: {old} and {a}")
        found[a.name] = a
    return found


class RuleRegistry:
    """The rules, inactive functions and globals and custom allocators that apply to one
    LLVM release. `skipped_plugins`: (plugin name, specifier) of the plugins left out
    because their `ENZYME_COMPAT_RELEASES` excludes the release."""

    def __init__(self, all_rules: Iterable[ForwardRule], inactive: Iterable[str] = (),
                 release: int | None = None, reverse: Iterable[ReverseRule] = (),
                 inactive_globals: Iterable[str] = (),
                 allocations: Iterable[AllocationLike] = (),
                 skipped_plugins: Iterable[tuple[str, str]] = ()):
        self.release = release
        self._rules = _select(all_rules, release)
        self._reverse = _select(reverse, release)
        self._patterns = {table: [(_wildcards(r.name), r) for (k, _), r in rs.items()
                                  if k == "function" and "*" in r.name]
                          for table, rs in (("forward", self._rules), ("reverse", self._reverse))}
        self._inactive = _Names(inactive)
        self._inactive_globals = _Names(inactive_globals)
        self._allocations = _allocations(allocations)
        self._allocation_patterns = [(_wildcards(a.name), a) for a in
                                     self._allocations.values() if "*" in a.name]
        self._frees = _Names(a.free for a in self._allocations.values() if a.free)
        self.skipped_plugins: list[tuple[str, str]] = list(skipped_plugins)
        self._intrinsic_memo: dict = {}

    def instruction(self, opcode: str) -> ForwardRule | None:
        return self._rules.get(("instruction", opcode))

    def function(self, name: str) -> ForwardRule | None:
        return self._rules.get(("function", name)) or self._by_pattern("forward", name)

    def _by_pattern(self, table: str, name: str):
        """The function rule whose name has `*` wildcards matching `name`, if any."""
        for pattern, rule in self._patterns[table]:
            if pattern.match(name) is not None:
                return rule
        return None

    def intrinsic(self, name: str) -> ForwardRule | None:
        """The rule for `llvm.<base>.<overload suffixes>`."""
        return self._intrinsic_rule("forward", self._rules, name)

    def _intrinsic_rule(self, table: str, rules: dict, name: str):
        """`_intrinsic_lookup`, memoised per name: a module calls the same few intrinsics
        many times."""
        key = (table, name)
        found = self._intrinsic_memo.get(key, self)
        if found is self:
            found = self._intrinsic_memo[key] = _intrinsic_lookup(rules, name)
        return found

    def reverse(self, kind: str, name: str) -> ReverseRule | None:
        """The reverse rule for an opcode, intrinsic (full `llvm.` name) or function."""
        if kind == "intrinsic":
            return self._intrinsic_rule("reverse", self._reverse, name)
        found = self._reverse.get((kind, name))
        return found if found is not None or kind != "function" else \
            self._by_pattern("reverse", name)

    def is_inactive_function(self, name: str) -> bool:
        return name in self._inactive

    def is_inactive_global(self, name: str) -> bool:
        """Whether the memory of global `@name` carries no derivative."""
        return name in self._inactive_globals

    def allocation_like(self, name: str) -> AllocationLike | None:
        """The custom allocator record of function `name`, if a plugin registered one (a
        record of a pattern: with the concrete names of the allocator and its `free`)."""
        found = self._allocations.get(name)
        if found is not None or not self._allocation_patterns:
            return found
        for pattern, record in self._allocation_patterns:
            m = pattern.match(name)
            if m is not None:
                free = record.free
                for part in m.groups():
                    free = free.replace("*", part, 1) if free else free
                found = dataclasses.replace(record, name=name, free=free)
                self._allocations[name] = found
                return found
        return None

    def deallocation_like(self, name: str) -> bool:
        """Whether `name` is the `free` of a registered custom allocator."""
        return name in self._frees

    def instruction_is_inactive(self, opcode: str) -> bool:
        r = self.instruction(opcode)
        return r is not None and r.inactive


def ad_plugin_manager(extra=(), entry_points: bool = True, exclude=()) -> pluggy.PluginManager:
    """A plugin manager that knows the core and the AD hooks (the core one does both);
    `exclude`: entry-point names of plugins not to load."""
    from ..plugins import make_plugin_manager

    return make_plugin_manager(extra, entry_points, exclude)


def _hook_results(pm, hook: str, skip, expect, what: str) -> list:
    """The merged results of `hook` over every plugin but those in `skip`, each item
    checked to be an instance of `expect`."""
    caller = getattr(pm.hook, hook, None)
    if caller is None:
        return []
    if skip:
        caller = pm.subset_hook_caller(hook, skip)
    out = []
    for batch in caller():
        if batch is None:
            continue
        if isinstance(batch, (str, bytes)) or not isinstance(batch, Iterable):
            raise DifferentiationError(f"hook {hook} returned {batch!r}: it must return an "
                                       f"iterable of {what}")
        for item in batch:
            if hook == "enzyme_compat_allocation_functions" and isinstance(item, tuple) \
                    and not isinstance(item, AllocationLike):
                item = AllocationLike(*item)
            if not isinstance(item, expect):
                raise DifferentiationError(f"hook {hook} returned {item!r} among its "
                                           f"results: expected {what}")
            out.append(item)
    return out


def registry_from(pm: pluggy.PluginManager, release: int | None) -> RuleRegistry:
    """The registry of `release` (None: every rule, whatever its releases) from the AD
    hooks of `pm`'s plugins, except those whose `ENZYME_COMPAT_RELEASES` excludes it."""
    from ..plugins import RELEASES_ATTRIBUTE, plugin_name, plugin_releases

    skip, skipped = [], []
    if release is not None:
        for p in pm.get_plugins():
            spec = plugin_releases(pm, p)
            if spec is not None and not spec.contains(str(release)):
                skip.append(p)
                text = getattr(p, RELEASES_ATTRIBUTE)
                skipped.append((plugin_name(pm, p), text if isinstance(text, str) else str(spec)))
    skipped.sort()

    def results(hook, expect, what):
        return _hook_results(pm, hook, skip, expect, what)

    all_rules = results("enzyme_compat_forward_rules", ForwardRule, "ForwardRule")
    reverse = results("enzyme_compat_reverse_rules", ReverseRule, "ReverseRule")
    inactive = results("enzyme_compat_inactive_functions", str, "function names")
    inactive_globals = results("enzyme_compat_inactive_globals", str, "global names")
    allocations = results("enzyme_compat_allocation_functions", AllocationLike,
                          "AllocationLike")
    if not all_rules:
        raise DifferentiationError(
            "no derivative rules found: install the package (pip install -e .) so the "
            "rule plugins' entry points are registered")
    return RuleRegistry(all_rules, inactive, release, reverse, inactive_globals,
                        allocations, skipped)


@functools.lru_cache(maxsize=None)
def _default_pm():
    return ad_plugin_manager()


@functools.lru_cache(maxsize=32)
def default_registry(release: int | None = None) -> RuleRegistry:
    return registry_from(_default_pm(), release)
