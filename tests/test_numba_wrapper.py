"""The numba front end's pieces that need no JIT: the runtime table its plugin
registers and the C wrapper's IR."""

from __future__ import annotations

import pytest

pytest.importorskip("numba")


def test_numba_runtime_is_registered_inactive():
    """The runtime table comes from the rules_numba plugin's entry point (no JIT here)."""
    from enzyme_compat.ad.rules import default_registry
    from enzyme_compat_plugins.rules_numba import NUMBA_RUNTIME

    registry = default_registry(22)
    for name in ("NRT_MemInfo_release", "numba_do_raise", "numba_gil_ensure"):
        assert registry.is_inactive_function(name), name
    for name in ("numba_xxdot", "NRT_MemInfo_data_fast", "NRT_MemInfo_alloc_aligned",
                 "NRT_incref", "NRT_decref"):
        assert not registry.is_inactive_function(name), name
    # reference counting: repeated on the shadow in forward mode, no adjoint in reverse
    for name in ("NRT_incref", "NRT_decref"):
        assert registry.function(name).tangent is not None
        assert registry.reverse("function", name).adjoint is None
    # MemInfo allocators: allocation-like, the data pointer 24 bytes into the header
    alloc = registry.allocation_like("NRT_MemInfo_alloc_aligned")
    assert (alloc.size_args, alloc.free, alloc.data_field) == ((0,), "NRT_MemInfo_call_dtor", 24)
    assert registry.deallocation_like("NRT_MemInfo_call_dtor")
    from enzyme_compat.ad.errors import DifferentiationError
    from enzyme_compat.ad.rules import AllocationLike
    for bad in ({"data_field": -8, "free": "f"}, {"data_field": 8}):  # a header needs a free
        with pytest.raises(DifferentiationError, match="data_field must be a byte offset"):
            AllocationLike("a", (0,), **bad)
    assert registry.function("numba_gamma") is not None
    assert "numba_do_raise" in NUMBA_RUNTIME and "NRT_incref" not in NUMBA_RUNTIME
    # raw buffers (slice assignment's temporary copy): malloc-like, freed by NRT_Free
    assert registry.allocation_like("NRT_Allocate").free == "NRT_Free"


def test_wrapper_ir_reads_back():
    """The C wrapper's IR (both modes, scalars and arrays) is valid IR for the reader."""
    import enzyme_compat
    from enzyme_compat.numba import kinds as K
    from enzyme_compat.numba import wrapper

    kinds = (K.SCALAR, K.array(2), K.SCALAR)
    for mode, ret in ((wrapper.REVERSE, "{double, double}"), (wrapper.FORWARD, "void")):
        text = wrapper.wrapper_ir(kinds, mode, "d", ret)
        decl = "declare " + ret + " @d(" + ", ".join(
            ["ptr"] * 4 + ["double"] * (1 if mode == wrapper.REVERSE else 2)
            + ["ptr", "ptr", "i64", "i64", "ptr", "ptr"] + ["i64"] * 4
            + ["double"] * (1 if mode == wrapper.REVERSE else 2)) + ")\n"
        m = enzyme_compat.parse(decl + text)
        w = m.get_function(wrapper.NAME)
        assert len(w.fn_type.params) == len(wrapper.ctypes_signature(kinds, mode))
    # retptr and excinfo duplicated (the exception slot's shadow is never read)
    assert wrapper.activities(kinds, wrapper.REVERSE)[:3] == ["dup", "dup", "out"]
    # an integer argument: one constant i64, in both modes
    import ctypes
    for mode in (wrapper.REVERSE, wrapper.FORWARD):
        assert wrapper.activities((K.INT,), mode) == ["dup", "dup", "const"]
        assert wrapper.ctypes_signature((K.INT,), mode) == [ctypes.c_uint64, ctypes.c_int64]
        assert "i64 %x0" in wrapper.wrapper_ir((K.INT,), mode, "d", "void")
    assert K.describe((K.SCALAR, K.INT, K.array(1))) == "(float64, int64, float64[:])"
    assert K.describe((K.SCALAR32, K.array(2, "float32"))) == "(float32, float32[:, :])"
    # float32: passed as doubles, converted inside; a float result slot
    text = wrapper.wrapper_ir((K.SCALAR32,), wrapper.REVERSE, "d", "float", "float")
    m = enzyme_compat.parse("declare float @d(ptr, ptr, ptr, ptr, float)\n" + text)
    assert len(m.get_function(wrapper.NAME).fn_type.params) == 2
