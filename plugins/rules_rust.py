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
  `__rust_realloc(ptr, old, align, new)` (a `Vec` growing, in std's `grow_one` /
  `finish_grow`, whose bodies rustc emits into the crate at -O1 and above) reallocates
  the shadow alongside in forward mode; in reverse mode the new shadow is a zeroed
  allocation taking over the old shadow's kept bytes, and the reverse sweep hands their
  adjoints back before releasing it. At -O0 a `Vec` calls RawVecInner's precompiled
  functions, which have no body in the crate's IR: refused by name.
- Panics (`core::panicking::*`, bounds checks, `unwrap` on None, overflow checks), the
  allocation-error handlers and formatting (`core::fmt::*`) compute no floats that
  matter: inactive.

Compile with `-C panic=abort`: with unwinding, rustc wraps calls in `invoke`, which
reverse mode does not take yet.
"""

from enzyme_compat.ad.activity import called_function
from enzyme_compat.ad.builder import TangentBuilder
from enzyme_compat.ad.hookspecs import ad_hookimpl
from enzyme_compat.ad.rules import AllocationLike, reverse_rules, rules
from enzyme_compat.ir import instructions as I
from enzyme_compat.ir.types import I1, I8, I64, VOID, PointerType
from enzyme_compat.ir.values import ConstantInt

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


def _like_realloc(name: str, other: str) -> str:
    """Allocator function `other` spelt like the `__rust_realloc` called (v0 or plain)."""
    return name.replace(_ident(RUST_REALLOC), _ident(other)) if name.startswith("_R") \
        else other


def _bytes(b, p):
    bp = PointerType(None if p.type.opaque else I8, p.type.addrspace)
    return p if p.type == bp else b.emit(I.Cast("bitcast", bp, [p]))


def _zeroed_alloc(b, size, align):
    """`__rust_alloc(size, align)` zeroed: `__rust_alloc_zeroed` would have to be declared
    with the allocator family attributes the verifier checks against `__rust_alloc`'s."""
    name = _like_realloc(called_function(b.inst).name, RUST_ALLOC[0])
    p = b.libcall(name, b.inst.type, [size, align])
    bp = _bytes(b, p)
    b.intrinsic("memset", [bp.type, I64], VOID, [bp, ConstantInt(I8, 0), size,
                                                 ConstantInt(I1, 0)])
    return p


def _realloc(b, a, d):
    """`__rust_realloc(p, old, align, new)`: the shadow is reallocated alongside (every
    store writes the shadow too, so the kept bytes are right); from constant memory, a
    zeroed shadow of the new size."""
    if not b.fs.activity.is_active(b.inst):
        return None
    if d[0] is None:
        return _zeroed_alloc(b, a[3], a[2])
    return b.clone([d[0], *a[1:]])


@ad_hookimpl
def enzyme_compat_forward_rules():
    return rules("function", {RUST_REALLOC: _realloc, _v0(RUST_REALLOC): _realloc})




def _kept_bytes(b, old, new):
    return b.intrinsic("umin", [I64], I64, [old, new])


def _realloc_sweep(gs, inst, c, nb):
    """Forward sweep of `__rust_realloc(p, old, align, new)`: the new shadow is a zeroed
    `__rust_alloc_zeroed(new, align)` taking over the old shadow's kept bytes (the
    shadow pointers among them). The old shadow stays alive for the reverse sweep: its
    allocation's reverse frees it."""
    if not gs.activity.is_active(inst):
        return
    b = TangentBuilder(gs, inst, c, nb)
    s = _zeroed_alloc(b, c.args[3], c.args[2])
    old = gs.shadow.get(inst.args[0])
    if old is not None:
        _copy(b, s, old, _kept_bytes(b, c.args[1], c.args[3]))
    gs.shadow[inst] = s


def _copy(b, dst, src, n):
    dst, src = _bytes(b, dst), _bytes(b, src)
    b.intrinsic("memcpy", [dst.type, src.type, I64], VOID, [dst, src, n, ConstantInt(I1, 0)])


def _realloc_adjoint(rb, a, dy):
    """Reverse of `__rust_realloc`: the adjoints of the kept bytes go back to the old
    shadow, then the new shadow is released. The old buffer is dead after the call, so
    nothing the reverse sweep ran since wrote its shadow: its floats there are still the
    zeros of the forward sweep, and copying the kept adjoints back is adding them (whatever
    type the bytes hold; shadow pointers are read from the tape, never from memory)."""
    gs, inst = rb.gs, rb.inst
    if inst not in gs.shadow:
        return [None] * len(a)
    new = gs.fwd(gs.shadow[inst])
    old = rb.shadow(0)
    if old is not None:
        _copy(rb, old, new, _kept_bytes(rb, a[1], a[3]))
    if not gs.g.nofree:
        rb.libcall(_like_realloc(called_function(inst).name, RUST_DEALLOC), VOID,
                   [new, a[3], a[2]])
    return [None] * len(a)


_realloc_adjoint.forward = _realloc_sweep


@ad_hookimpl
def enzyme_compat_reverse_rules():
    return reverse_rules("function", {RUST_REALLOC: _realloc_adjoint,
                                      _v0(RUST_REALLOC): _realloc_adjoint})


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
