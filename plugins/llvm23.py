"""LLVM 23: new floating-point literal spellings (+inf, +qnan, f0x..., rounded decimals);
denormal_fpenv(...)."""

from enzyme_compat.dialect import ReleaseDelta
from enzyme_compat.hookspecs import hookimpl
from enzyme_compat.ir import floats


@hookimpl
def enzyme_compat_release_delta():
    return ReleaseDelta(
        release=23,
        features={"float-literals-v23", "denormal_fpenv"},
        attributes={"denormal_fpenv"},
        spellings={"float_literal": floats.format_v23},
    )
