"""The AD half of the plugin contract (pluggy, project `enzyme_compat`).

Derivative rules, inactive functions and globals and custom allocators are contributed by
plugins found through the `enzyme_compat` entry-point group (or passed to
`enzyme_compat.plugins.make_plugin_manager(extra=[...])`); the built-in rule sets
(`plugins/rules_*.py`) use these hooks exactly as a third party would. Every hook takes no
arguments and returns an iterable (or None: nothing); results of all plugins are merged by
`enzyme_compat.ad.rules.registry_from`.

A plugin module (or object) may state the LLVM releases it supports as a `packaging`
SpecifierSet string, `ENZYME_COMPAT_RELEASES = ">=12,<20"`: for a release outside it none of
its hooks are called (`RuleRegistry.skipped_plugins` lists it). Individual rules carry their
own `releases` too.

A hook name that is not one of these (a misspelling such as `enzyme_compat_forward_rule`)
makes loading the plugins fail with `enzyme_compat.plugins.UnknownHookError`, which names
the closest real hook; implementations marked `optionalhook=True` are exempt from that check,
as pluggy intends (a hook that only some versions of enzyme_compat define).
"""

from __future__ import annotations

from ..hookspecs import PROJECT, hookimpl, hookspec  # noqa: F401  (re-exported)


@hookspec
def enzyme_compat_forward_rules():
    """Return an iterable of `enzyme_compat.ad.rules.ForwardRule`: tangent rules for
    instructions (by opcode), intrinsics (by base name, `sin` for `llvm.sin.f64`) and
    library functions (by exact name).

    A rule's `tangent(b, args, dargs)` gets a `TangentBuilder` `b` positioned after the
    primal instruction (`b.result` its primal value), the primal operands `args` (call
    arguments for a call) and their tangents `dargs` (None: zero; for a pointer operand its
    shadow pointer), and returns the tangent of the result (None: zero) after emitting what
    it needs (`b.fmul`, `b.libcall(name, ret_type, args)`, ...). In reverse mode the
    adjoints of an elementwise operation (scalar floats in, a float out, no memory) are
    derived from this rule; `tangent=None` declares the result inactive."""


@hookspec
def enzyme_compat_reverse_rules():
    """Return an iterable of `enzyme_compat.ad.rules.ReverseRule`: adjoint rules for the
    operations whose adjoints cannot be read off their forward rule (memory, casts between
    float types, vector lane moves, reductions, calls reading or writing through pointers).

    A rule's `adjoint(rb, args, dy)` gets a `ReverseBuilder` `rb` positioned in the reverse
    sweep (`rb.result` the forward result, `rb.shadow(i)` the shadow of pointer operand i,
    None when it has none), the operands' forward values `args` (read from the tape on first
    use) and the adjoint `dy` of the result (None: zero), and returns one adjoint per
    operand (None: nothing to add); adjoints of memory are added into the shadows."""


@hookspec
def enzyme_compat_inactive_functions():
    """Return an iterable of names of functions whose calls carry no derivative (they
    neither read nor write floats that matter: printf, puts, ...). Names ending in `*`
    are prefixes; a `*` elsewhere matches any run of characters (`_RNvNtCs*_4core9panicking*`:
    Rust's v0 names carry a crate hash)."""


@hookspec
def enzyme_compat_inactive_globals():
    """Return an iterable of names of global variables (as in the IR, without `@`) whose
    memory carries no derivative: an active value stored there is dropped instead of being
    an error, and loads from it are constants (counters, caches, logging buffers). Names
    ending in `*` are prefixes."""


@hookspec
def enzyme_compat_allocation_functions():
    """Return an iterable of `enzyme_compat.ad.rules.AllocationLike(name, size_args, free)`:
    custom allocators. A call of `name` returns fresh memory whose shadow is a zeroed
    allocation of (the product of the arguments at the indices `size_args`) bytes: `(0,)`
    for a malloc-like `name(size)`, `(0, 1)` for a calloc-like `name(count, size)`. The
    function named `free` (its first argument the pointer; None: none) releases it, and
    its shadow with it (`free_takes_args=True`: the pointer, then the allocation's own
    arguments, like Rust's `__rust_dealloc(p, size, align)`). A name may hold `*`
    wildcards (a hash inside a mangled name); `free` then uses as many, filled alike."""


# The marker rule plugins use. The AD hooks are specified in every plugin manager
# `enzyme_compat.plugins` makes, so implementations are checked like any other (a misspelt
# name is an error); it is kept as its own name for the plugins that import it.
ad_hookimpl = hookimpl
