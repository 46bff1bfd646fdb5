"""The AD half of the plugin contract (pluggy, project `enzyme_compat`).

Derivative rules and inactive functions are contributed by plugins found through the
`enzyme_compat` entry-point group; the built-in rule sets (`plugins/rules_*.py`) use these
hooks exactly as a third party would. Implementations are marked `optionalhook=True` until
these specs are added to the core plugin manager (`enzyme_compat.plugins`).
"""

from __future__ import annotations

from ..hookspecs import PROJECT, hookimpl, hookspec  # noqa: F401  (re-exported)


@hookspec
def enzyme_compat_forward_rules():
    """Return an iterable of `enzyme_compat.ad.rules.ForwardRule`: tangent rules for
    instructions (by opcode), intrinsics (by base name, `sin` for `llvm.sin.f64`) and
    library functions (by exact name)."""


@hookspec
def enzyme_compat_reverse_rules():
    """Return an iterable of `enzyme_compat.ad.rules.ReverseRule`: adjoint rules for the
    operations whose adjoints cannot be read off their forward rule (memory, casts between
    float types, vector lane moves, reductions, calls writing through pointers)."""


@hookspec
def enzyme_compat_inactive_functions():
    """Return an iterable of names of functions whose calls carry no derivative (they
    neither read nor write floats that matter: printf, puts, ...). Names ending in `*`
    are prefixes."""


# The marker rule plugins use: optional, so that a plugin manager that knows only the core
# hooks (enzyme_compat.plugins) still loads them.
ad_hookimpl = hookimpl(optionalhook=True)
