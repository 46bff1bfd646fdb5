"""Inactive functions of numba's runtime (for `enzyme_compat.numba`).

Code numba compiles calls its runtime for reference counting (`NRT_incref`/`NRT_decref`,
linked into the module with bodies), memory management (`NRT_MemInfo_*`, `NRT_Free`,
...), exceptions (`numba_do_raise`, `numba_runtime_build_excinfo_struct`, ...) and the
GIL. None of these compute with the floats being differentiated: they are registered
here as data, through the same hook any plugin uses. Names ending in `*` are prefixes.

numba's helper library also computes some math functions itself (`math.gamma` calls
`numba_gamma`): those get the derivative of the C library function they implement.
"""

from enzyme_compat.ad.hookspecs import ad_hookimpl
from enzyme_compat.ad.rules import rules
from enzyme_compat_plugins.rules_libm import d_lgamma, d_tgamma

NUMBA_RUNTIME = (
    "NRT_incref", "NRT_decref", "NRT_MemInfo_*", "NRT_Free", "NRT_Allocate*",
    "NRT_adapt_*", "NRT_meminfo_*", "NRT_dealloc", "NRT_Reallocate*", "nrt_*",
    "numba_do_raise", "numba_runtime_build_excinfo_struct", "numba_unpickle",
    "numba_gil_ensure", "numba_gil_release", "numba_fatal_error",
    "numba_attempt_nocopy_reshape", "numba_get_np_random_state",
    "llvm.x86.atomic.*", "PyErr_*", "PyGILState_*",
)


@ad_hookimpl
def enzyme_compat_inactive_functions():
    return NUMBA_RUNTIME


# numba helper -> the derivative of the libm function it implements (double precision)
NUMBA_MATH = {"numba_gamma": d_tgamma, "numba_lgamma": d_lgamma}


@ad_hookimpl
def enzyme_compat_forward_rules():
    return rules("function", NUMBA_MATH)
