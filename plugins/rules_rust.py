"""Rust's runtime as data: allocators, panics and formatting (for IR from `rustc
--emit=llvm-ir`).

rustc names its functions two ways: legacy (`_ZN4core9panicking9panic_fmt17h<hash>E`) and,
since 1.9x for the standard library, v0 (`_RNvNtCs<hash>_4core9panicking9panic_fmt`,
the crate hash inside the name). Names ending in `*` are prefixes, a `*` elsewhere
matches any run of characters (the hash).

- Allocators: `__rust_alloc(size, align)`, `__rust_alloc_zeroed(size, align)` (and the
  `__rustc::` v0 names rustc 1.95 emits) are allocation-like, so a `Vec<f64>` created
  inside a differentiated function gets a zeroed shadow from the same allocator, released
  by `__rust_dealloc(ptr, size, align)` with the allocation's own arguments.
  `__rust_realloc(ptr, old, align, new)` (a `Vec` growing) has a forward rule: the shadow
  is reallocated alongside. Reverse mode does not know it: a reallocation met there is
  refused with the function's name (reserve the capacity first: `Vec::with_capacity`,
  `collect` of an exact-size iterator).
- Panics (`core::panicking::*`, bounds checks, `unwrap` on None, overflow checks), the
  allocation-error handlers and formatting (`core::fmt::*`) compute no floats that
  matter: inactive.

Compile with `-C panic=abort`: with unwinding, rustc wraps calls in `invoke`, which
reverse mode does not take yet.
"""

from enzyme_compat.ad.activity import called_function
from enzyme_compat.ad.hookspecs import ad_hookimpl
from enzyme_compat.ad.rules import AllocationLike, rules

# v0 names of the `__rustc` shim crate (hash inside), then the plain ones (older rustc,
# and what the shims forward to)
_V0 = "_RNvCs*_7___rustc{ident}"


def _ident(name: str) -> str:
    """A v0 identifier: its length, `_` (the name starts with `_`), the name."""
    return f"{len(name)}_{name}"


def _v0(name: str) -> str:
    return _V0.format(ident=_ident(name))


RUST_ALLOC = ("__rust_alloc", "__rust_alloc_zeroed")
RUST_DEALLOC = "__rust_dealloc"
RUST_REALLOC = "__rust_realloc"


@ad_hookimpl
def enzyme_compat_allocation_functions():
    # `name(size, align)`: the size is argument 0; `__rust_dealloc(ptr, size, align)`
    out = []
    for name in RUST_ALLOC:
        out.append(AllocationLike(name, (0,), RUST_DEALLOC, free_takes_args=True))
        out.append(AllocationLike(_v0(name), (0,), _v0(RUST_DEALLOC), free_takes_args=True))
    return out


def _realloc(b, a, d):
    """`__rust_realloc(p, old, align, new)`: the shadow is reallocated alongside (every
    store writes the shadow too, so the kept bytes are right); from constant memory, a
    zeroed shadow of the new size."""
    if not b.fs.activity.is_active(b.inst):
        return None
    if d[0] is None:
        name = called_function(b.inst).name
        zeroed = name.replace(_ident(RUST_REALLOC), _ident(RUST_ALLOC[1])) \
            if name.startswith("_R") else RUST_ALLOC[1]
        return b.libcall(zeroed, b.inst.type, [a[3], a[2]])
    return b.clone([d[0], *a[1:]])


@ad_hookimpl
def enzyme_compat_forward_rules():
    return rules("function", {RUST_REALLOC: _realloc, _v0(RUST_REALLOC): _realloc})


RUST_INACTIVE = (
    # the allocator shim's marker, the out-of-memory and capacity-overflow handlers
    "__rust_no_alloc_shim_is_unstable*", "_RNvCs*_7___rustc*___rust_no_alloc_shim_is_unstable*",
    "__rust_alloc_error_handler*", "__rust_start_panic", "rust_begin_unwind",
    "rust_eh_personality", "rust_panic",
    "_ZN5alloc5alloc18handle_alloc_error*", "_RNvNtCs*_5alloc5alloc18handle_alloc_error",
    "_ZN5alloc7raw_vec12handle_error*", "_RNvNtCs*_5alloc7raw_vec12handle_error",
    "_ZN5alloc7raw_vec17capacity_overflow*", "_RNvNtCs*_5alloc7raw_vec17capacity_overflow",
    # panics: core::panicking::*, std's panic machinery, Option/Result unwrap failures
    "_ZN4core9panicking*", "_RNvNtCs*_4core9panicking*", "_RNvNtNtCs*_4core9panicking*",
    "_ZN3std9panicking*", "_RNvNtCs*_3std9panicking*", "_ZN4core6option13unwrap_failed*",
    "_RNvNtCs*_4core6option13unwrap_failed", "_RNvNtCs*_4core6option13expect_failed",
    "_ZN4core6option13expect_failed*", "_ZN4core6result13unwrap_failed*",
    "_RNvNtCs*_4core6result13unwrap_failed", "_ZN4core5slice5index*",
    "_RNvNtNtCs*_4core5slice5index*", "_ZN4core4cell*panic_already*",
    # formatting and printing
    "_ZN4core3fmt*", "_RNvNtCs*_4core3fmt*", "_RNvMs*_NtCs*_4core3fmt*",
    "_RNvXs*_NtCs*_4core3fmt*", "_ZN3std2io5stdio6_print*", "_RNvNtNtCs*_3std2io5stdio6__print",
)


@ad_hookimpl
def enzyme_compat_inactive_functions():
    return RUST_INACTIVE
