"""numba's runtime for the AD engine (for `enzyme_compat.numba`).

Code numba compiles calls its runtime for reference counting (`NRT_incref`/`NRT_decref`,
linked into the module with bodies), memory management (`NRT_MemInfo_*`, `NRT_Free`,
...), exceptions (`numba_do_raise`, `numba_runtime_build_excinfo_struct`, ...) and the
GIL. None of these compute with the floats being differentiated: they are registered
here as data, through the same hook any plugin uses. Names ending in `*` are prefixes.
Reference counting has rules instead of being inactive: in forward mode each
`NRT_incref`/`NRT_decref` of a MemInfo with a shadow is repeated on the shadow, so a
temporary's tangent array lives exactly as long as the array; in reverse mode they touch
the primal only.

Arrays created inside a function (`np.zeros(n)`, `a * b`, `np.tanh(a)`) are allocated by
`NRT_MemInfo_alloc*`, which returns a MemInfo header (refct, dtor, dtor_info, data, size,
...) whose `data` field, 24 bytes in, points to the array's bytes; numba reads it with a
load of that field (`NRT_MemInfo_data_fast`, defined in the module, is left active so that
the load is differentiated when it is not inlined). These allocators are registered as
allocation-like with `data_field=24`: the shadow is a MemInfo from the same allocator
with its data zeroed, so a load of the shadow header's field is the shadow data. The
shadow goes back through `NRT_MemInfo_call_dtor` at the allocation in the reverse sweep
(after every use of the shadow); in forward mode it goes through the mirrored
`NRT_decref` that releases the array.
Raw buffers from `NRT_Allocate` (the copy a slice assignment makes of a source that may
overlap its destination) are malloc-like, released by `NRT_Free`.

numba's helper library also computes some math functions itself (`math.gamma` calls
`numba_gamma`): those get the derivative of the C library function they implement.
"""

from enzyme_compat.ad.hookspecs import ad_hookimpl
from enzyme_compat.ad.rules import AllocationLike, reverse_rules, rules
from enzyme_compat_plugins.rules_libm import d_lgamma, d_tgamma

NUMBA_RUNTIME = (
    "NRT_MemInfo_acquire", "NRT_MemInfo_release",
    "NRT_MemInfo_destroy", "NRT_MemInfo_dump", "NRT_MemInfo_init", "NRT_MemInfo_parent",
    "NRT_MemInfo_refcount", "NRT_MemInfo_size", "NRT_MemInfo_external_allocator",
    "NRT_MemInfo_new*", "NRT_MemInfo_varsize_*", "NRT_MemInfo_alloc_dtor*",
    "NRT_MemInfo_alloc_external",
    "NRT_adapt_*", "NRT_meminfo_*", "NRT_dealloc", "NRT_Reallocate*", "nrt_*",
    "numba_do_raise", "numba_runtime_build_excinfo_struct", "numba_unpickle",
    "numba_gil_ensure", "numba_gil_release", "numba_fatal_error",
    "numba_attempt_nocopy_reshape", "numba_get_np_random_state",
    "llvm.x86.atomic.*", "PyErr_*", "PyGILState_*",
)


@ad_hookimpl
def enzyme_compat_inactive_functions():
    return NUMBA_RUNTIME


# the MemInfo's `data` field: after refct (size_t), dtor and dtor_info (pointers)
MEMINFO_DATA_OFFSET = 24
# allocators of a MemInfo with a fresh data payload: (name, index of the size argument)
NUMBA_ALLOCATORS = (
    ("NRT_MemInfo_alloc", 0), ("NRT_MemInfo_alloc_safe", 0),
    ("NRT_MemInfo_alloc_aligned", 0), ("NRT_MemInfo_alloc_safe_aligned", 0),
    ("NRT_MemInfo_alloc_safe_aligned_external", 0),
)


# raw buffers (a slice assignment copies a source that may overlap its destination into
# one first): malloc-like, released by NRT_Free
NUMBA_BUFFERS = (("NRT_Allocate", 0), ("NRT_Allocate_External", 0))


@ad_hookimpl
def enzyme_compat_allocation_functions():
    return [AllocationLike(name, (size,), "NRT_MemInfo_call_dtor", MEMINFO_DATA_OFFSET)
            for name, size in NUMBA_ALLOCATORS] + \
        [AllocationLike(name, (size,), "NRT_Free") for name, size in NUMBA_BUFFERS]


# numba helper -> the derivative of the libm function it implements (double precision)
NUMBA_MATH = {"numba_gamma": d_tgamma, "numba_lgamma": d_lgamma}


def _mirrored(b, args, dargs):
    """The same reference count operation on the shadow MemInfo, so that a temporary's
    tangent array is released with the array (forward mode)."""
    if dargs[0] is not None:
        b.clone([dargs[0]])
    return None


# reference counting: mirrored in forward mode; in reverse mode the primal's count alone
# (a shadow is released by NRT_MemInfo_call_dtor at its allocation in the reverse sweep)
NUMBA_REFCOUNT = {"NRT_incref": _mirrored, "NRT_decref": _mirrored}


@ad_hookimpl
def enzyme_compat_forward_rules():
    return rules("function", NUMBA_MATH) + rules("function", NUMBA_REFCOUNT)


@ad_hookimpl
def enzyme_compat_reverse_rules():
    return reverse_rules("function", dict.fromkeys(NUMBA_REFCOUNT))
