"""Floating-point literals: every spelling of 7..23 to exact bits, and back."""

from __future__ import annotations

import math
import struct

import pytest

from enzyme_compat.ir import floats
from enzyme_compat.ir.types import BFLOAT, DOUBLE, FLOAT, FP128, HALF, PPC_FP128, X86_FP80


def dbits(v):
    return struct.unpack("<Q", struct.pack("<d", v))[0]


def fbits(v):
    return struct.unpack("<I", struct.pack("<f", v))[0]


def hbits(v):
    return struct.unpack("<H", struct.pack("<e", v))[0]


@pytest.mark.parametrize("text,bits", [
    ("1.000000e+00", dbits(1.0)), ("-0.0", dbits(-0.0)), ("0x3FB999999999999A", dbits(0.1)),
    ("0x7FF0000000000000", dbits(math.inf)), ("+inf", dbits(math.inf)),
    ("-inf", dbits(-math.inf)), ("f0x3FB999999999999B", 0x3FB999999999999B),
    ("0x1.8p1", dbits(3.0)), ("-0x1p-1074", dbits(-5e-324)), ("+qnan", 0x7FF8000000000000),
    ("-qnan", 0xFFF8000000000000), ("+nan(0x1)", 0x7FF8000000000001),
])
def test_double_literals(text, bits):
    assert floats.parse_literal(text, DOUBLE) == bits


@pytest.mark.parametrize("text,bits", [
    ("0x3FB99999A0000000", fbits(0.1)), ("1.000000e-01", fbits(0.1)),
    ("1.5", fbits(1.5)), ("f0x3DCCCCCD", 0x3DCCCCCD), ("-0.0", 0x80000000),
    ("0x7FF0000000000000", 0x7F800000), ("1.0e39", 0x7F800000),
])
def test_float_literals(text, bits):
    assert floats.parse_literal(text, FLOAT) == bits


def test_narrow_and_wide_types():
    assert floats.parse_literal("0xH3C00", HALF) == hbits(1.0)
    assert floats.parse_literal("1.5", HALF) == hbits(1.5)
    assert floats.parse_literal("0xR3F80", BFLOAT) == 0x3F80
    assert floats.parse_literal("1.0", BFLOAT) == 0x3F80
    one80 = floats.parse_literal("0xK3FFF8000000000000000", X86_FP80)
    assert one80 == floats.parse_literal("1.0", X86_FP80) == (0x3FFF << 64) | (1 << 63)
    one128 = floats.parse_literal("0xL00000000000000003FFF000000000000", FP128)
    assert one128 == floats.parse_literal("1.0", FP128) == 0x3FFF << 112
    assert floats.parse_literal("1.0", PPC_FP128) == dbits(1.0) << 64


@pytest.mark.parametrize("t", [HALF, BFLOAT, FLOAT, DOUBLE, X86_FP80, FP128, PPC_FP128])
@pytest.mark.parametrize("value", ["0.1", "-2.5", "1.0e-30", "3.0e+30", "0.0", "-0.0", "+inf"])
def test_both_spellings_round_trip(t, value):
    if t.bits == 16 and value in ("1.0e-30", "3.0e+30"):
        value = "6.0e-05" if value == "1.0e-30" else "6.0e+04"
    bits = floats.parse_literal(value, t)
    for fmt in (floats.format_legacy, floats.format_v23):
        text = fmt(bits, t)
        assert floats.parse_literal(text, t) == bits, (fmt.__name__, text)


def test_legacy_printing_matches_llvm():
    assert floats.format_legacy(dbits(1.0), DOUBLE) == "1.000000e+00"
    assert floats.format_legacy(dbits(0.1), DOUBLE) == "1.000000e-01"
    assert floats.format_legacy(0x3FB999999999999B, DOUBLE) == "0x3FB999999999999B"
    assert floats.format_legacy(fbits(0.5), FLOAT) == "5.000000e-01"
    assert floats.format_legacy(fbits(0.1), FLOAT) == "0x3FB99999A0000000"
    assert floats.format_legacy(hbits(1.0), HALF) == "0xH3C00"


def test_v23_printing():
    assert floats.format_v23(dbits(math.inf), DOUBLE) == "+inf"
    assert floats.format_v23(fbits(0.1), FLOAT) == "1.000000e-01"
    assert floats.format_v23(0x3FB999999999999B, DOUBLE) == "f0x3FB999999999999B"
    assert floats.format_v23(hbits(1.0), HALF) == "1.000000e+00"


@pytest.mark.parametrize("text,t", [("0xH3C00", DOUBLE), ("0x1234567890ABCDEF12", DOUBLE),
                                    ("f0x1FFFFFFFF", FLOAT), ("0xK3FFF", FP128)])
def test_malformed_literals(text, t):
    with pytest.raises(floats.FloatLiteralError):
        floats.parse_literal(text, t)
