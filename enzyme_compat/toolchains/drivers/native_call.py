"""Calling a native function by address with a signature written in LLVM's type names.

A signature looks like ``double(double, double*, i64)``. Pointer parameters take a list
of numbers (an array); after the call the arrays' contents are returned too, so the
caller sees what the function wrote (shadows, gradients).
"""

from __future__ import annotations

import ctypes
import re

SCALARS = {
    "double": ctypes.c_double,
    "float": ctypes.c_float,
    "i64": ctypes.c_int64,
    "i32": ctypes.c_int32,
    "i16": ctypes.c_int16,
    "i8": ctypes.c_int8,
    "i1": ctypes.c_bool,
    "void": None,
}


class SignatureError(ValueError):
    pass


def parse_signature(signature: str) -> tuple[str, list[str]]:
    """``"double(double, double*)"`` -> ``("double", ["double", "double*"])``."""
    match = re.fullmatch(r"\s*([\w*]+)\s*\((.*)\)\s*", signature)
    if not match:
        raise SignatureError(f"bad signature {signature!r}; expected e.g. 'double(double, double*, i64)'")
    params = [p.strip() for p in match.group(2).split(",") if p.strip()]
    for name in [match.group(1), *params]:
        if name.rstrip("*") not in SCALARS or name.count("*") > 1 or name == "void*":
            raise SignatureError(f"unsupported type {name!r} in {signature!r}")
    return match.group(1), params


def _ctype(name: str):
    if name.endswith("*"):
        return ctypes.POINTER(SCALARS[name[:-1]])
    return SCALARS[name]


def call(address: int, signature: str, args: list) -> dict:
    """Call the function at ``address``; returns ``{"value": ..., "arrays": [...]}``.

    ``arrays`` has, per argument, the array's contents after the call (None for scalars).
    """
    if not address:
        raise SignatureError("function address is null (is the function defined in the module?)")
    result, params = parse_signature(signature)
    if len(params) != len(args):
        raise SignatureError(f"{signature} takes {len(params)} arguments, got {len(args)}")
    prototype = ctypes.CFUNCTYPE(_ctype(result), *[_ctype(p) for p in params])
    function = prototype(address)
    converted, arrays = [], []
    for param, value in zip(params, args):
        if param.endswith("*"):
            array = (SCALARS[param[:-1]] * len(value))(*value)
            arrays.append(array)
            converted.append(ctypes.cast(array, _ctype(param)))
        else:
            arrays.append(None)
            converted.append(value)
    value = function(*converted)
    return {"value": value, "arrays": [list(a) if a is not None else None for a in arrays]}
