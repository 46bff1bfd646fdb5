"""Floating-point literals: every spelling of releases 7..23 in, exact bit patterns out.

A ConstantFP keeps the *native* bit pattern of its type (IEEE half/bfloat/float/double/
quad, x87 80-bit, or the two doubles of ppc_fp128), so no value is ever rounded twice.
Spellings understood:
  decimal `1.5e+00`, legacy hex `0x<16 hex>` (a double, for half/bfloat/float/double),
  `0xH` half, `0xR` bfloat, `0xK` x86_fp80, `0xL` fp128, `0xM` ppc_fp128, and the LLVM 23
  forms `+inf`/`-inf`, `+qnan`/`-qnan`, `+nan(0x..)`/`+snan(0x..)`, C99 hex `0x1.8p1`,
  `f0x<native bits>`.
"""

from __future__ import annotations

import math
import re
import struct
from fractions import Fraction

from .types import DOUBLE, FloatType


class FloatLiteralError(ValueError):
    pass


def _double_bits(v: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", v))[0]


def _bits_double(b: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def _layout(t: FloatType):
    if t.kind == "ppc_fp128":  # hi double carries the value we can encode
        return 11, 52, False
    return t.exp_bits, t.mant_bits, t.kind == "x86_fp80"


def encode(value: Fraction, t: FloatType, negative_zero: bool = False) -> int:
    """Round `value` to nearest-even in type `t` and return its bit pattern."""
    if not value and t.kind != "ppc_fp128":  # a zero is its sign bit (adjoints start at -0.0)
        return (1 << (t.bits - 1)) if negative_zero else 0
    if t.kind == "ppc_fp128":
        return encode(value, DOUBLE, negative_zero) << 64  # hi double, lo = +0.0
    eb, mb, explicit = _layout(t)
    width = t.bits
    sign = 1 if (value < 0 or (value == 0 and negative_zero)) else 0
    a = -value if value < 0 else value
    bias = (1 << (eb - 1)) - 1
    emax_field = (1 << eb) - 1
    if a == 0:
        return sign << (width - 1)
    # exponent e with 2**e <= a < 2**(e+1)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fraction(2) ** e > a:
        e -= 1
    emin = 1 - bias
    if e < emin:
        e = emin  # subnormal: fixed scale
    scaled = a / (Fraction(2) ** (e - mb))  # mantissa with mb fraction bits
    q, r = divmod(scaled.numerator, scaled.denominator)
    twice = 2 * r
    if twice > scaled.denominator or (twice == scaled.denominator and q & 1):
        q += 1
    if q >= (2 << mb):  # rounding carried into the next binade
        q >>= 1
        e += 1
    if q < (1 << mb):  # subnormal
        field = 0
        frac = q
    else:
        field = e + bias
        frac = q - (1 << mb)
    if field >= emax_field:  # overflow to infinity
        field, frac = emax_field, 0
        if explicit:
            frac = 0
    if explicit:
        integer_bit = 1 if field != 0 else 0
        if field == emax_field:
            integer_bit = 1
        mant = (integer_bit << mb) | frac
        return (sign << (width - 1)) | (field << (mb + 1)) | mant
    return (sign << (width - 1)) | (field << mb) | frac


def decode(bits: int, t: FloatType):
    """Value of a bit pattern: a Fraction, or the strings 'inf', '-inf', 'nan'."""
    if t.kind == "ppc_fp128":
        hi = decode(bits >> 64, DOUBLE)
        lo = decode(bits & ((1 << 64) - 1), DOUBLE)
        if isinstance(hi, str):
            return hi
        return hi + (lo if not isinstance(lo, str) else 0)
    eb, mb, explicit = _layout(t)
    width = t.bits
    sign = bits >> (width - 1)
    field = (bits >> (mb + (1 if explicit else 0))) & ((1 << eb) - 1)
    mant = bits & ((1 << mb) - 1)
    bias = (1 << (eb - 1)) - 1
    if field == (1 << eb) - 1:
        if mant == 0:
            return "-inf" if sign else "inf"
        return "nan"
    if field == 0:
        v = Fraction(mant, 1 << mb) * Fraction(2) ** (1 - bias)
    else:
        v = (1 + Fraction(mant, 1 << mb)) * Fraction(2) ** (field - bias)
    return -v if sign else v


def is_negative_zero(bits: int, t: FloatType) -> bool:
    return bits == 1 << (t.bits - 1) if t.kind != "ppc_fp128" else (bits >> 64) == 1 << 63


def _from_double_bits(dbits: int, t: FloatType) -> int:
    """Legacy `0x<16 hex>` literal: a double, converted exactly to `t`."""
    if t.kind == "double":
        return dbits
    v = _bits_double(dbits)
    if math.isnan(v):  # keep quiet bit and top payload bits
        sign = dbits >> 63
        payload = (dbits >> (52 - t.mant_bits)) & ((1 << t.mant_bits) - 1)
        return (sign << (t.bits - 1)) | (((1 << t.exp_bits) - 1) << t.mant_bits) | payload
    if math.isinf(v):
        return (
            (1 << (t.bits - 1) if v < 0 else 0) | (((1 << t.exp_bits) - 1) << t.mant_bits)
        )
    bits = encode(Fraction(v), t, negative_zero=(dbits == 1 << 63))
    if decode(bits, t) != Fraction(v):
        raise ValueError("value is not exactly representable in the type")
    return bits


_SPECIAL = re.compile(r"([-+])(inf|qnan|nan|snan)(?:\((0x[0-9a-fA-F]+)\))?$")
_C99 = re.compile(r"([-+]?)0x([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?p([-+]?[0-9]+)$")


def _nan_bits(t: FloatType, negative: bool, quiet: bool, payload: int) -> int:
    eb, mb, explicit = _layout(t)
    if t.kind == "ppc_fp128":
        return _nan_bits(DOUBLE, negative, quiet, payload) << 64
    q = 1 << (mb - 1)
    mant = (q if quiet else 0) | payload
    if not quiet and mant == 0:
        mant = 1
    if explicit:
        mant |= 1 << mb
        return (int(negative) << (t.bits - 1)) | (((1 << eb) - 1) << (mb + 1)) | mant
    return (int(negative) << (t.bits - 1)) | (((1 << eb) - 1) << mb) | mant


def parse_literal(text: str, t: FloatType) -> int:
    """Bit pattern of literal `text` for type `t`; FloatLiteralError when malformed."""
    try:
        return _parse(text, t)
    except (ValueError, OverflowError, ZeroDivisionError) as e:
        raise FloatLiteralError(f"invalid floating-point literal '{text}' for type {t.kind}") from e


def _parse(text: str, t: FloatType) -> int:
    if text.startswith("0x") and len(text) > 2 and text[2] in "KLMHR":
        tag, digits = text[2], text[3:]
        want = {"K": "x86_fp80", "L": "fp128", "M": "ppc_fp128", "H": "half", "R": "bfloat"}[tag]
        if want != t.kind:
            raise ValueError("hex literal kind does not match type")
        v = int(digits, 16)
        if tag in "LM":  # low 64 bits are written first
            if len(digits) != 32:
                raise ValueError("fp128 literal needs 32 hex digits")
            lo, hi = int(digits[:16], 16), int(digits[16:], 16)
            return (hi << 64) | lo
        if v >> t.bits:
            raise ValueError("too many bits")
        return v
    if text.startswith("f0x"):
        v = int(text[3:], 16)
        if v >> t.bits:
            raise ValueError("too many bits")
        return v
    m = _SPECIAL.match(text)
    if m:
        neg = m.group(1) == "-"
        kind = m.group(2)
        if kind == "inf":
            return _inf_bits(t, neg)
        payload = int(m.group(3), 16) if m.group(3) else 0
        return _nan_bits(t, neg, kind in ("qnan", "nan"), payload)
    m = _C99.match(text)
    if m and "p" in text:
        sign, ip, fp, ex = m.groups()
        fp = fp or ""
        mant = Fraction(int((ip or "0") + fp, 16), 16 ** len(fp))
        v = mant * Fraction(2) ** int(ex)
        return encode(-v if sign == "-" else v, t, negative_zero=(sign == "-"))
    if text.startswith(("0x", "-0x", "+0x")):
        neg = text.startswith("-")
        digits = text.split("x", 1)[1]
        if len(digits) > 16:
            raise ValueError("legacy hex literal has more than 16 digits")
        dbits = int(digits, 16)
        if neg:
            dbits ^= 1 << 63
        return _from_double_bits(dbits, t)
    # decimal
    neg = text.startswith("-")
    if t.kind == "double":
        return _double_bits(float(text))
    v = Fraction(text)
    return encode(v, t, negative_zero=neg and v == 0)


def _inf_bits(t: FloatType, negative: bool) -> int:
    eb, mb, explicit = _layout(t)
    if t.kind == "ppc_fp128":
        return _inf_bits(DOUBLE, negative) << 64
    if explicit:
        return (int(negative) << (t.bits - 1)) | (((1 << eb) - 1) << (mb + 1)) | (1 << mb)
    return (int(negative) << (t.bits - 1)) | (((1 << eb) - 1) << mb)


def _double_of(bits: int, t: FloatType):
    """The exact double value of `bits` when `t` fits in a double, else None."""
    if t.kind == "double":
        return _bits_double(bits)
    if t.kind in ("float", "half", "bfloat"):
        v = decode(bits, t)
        if isinstance(v, str):
            return None
        return float(v) if v != 0 else (-0.0 if bits >> (t.bits - 1) else 0.0)
    return None


def format_legacy(bits: int, t: FloatType) -> str:
    """The spelling every release 7..23 reads (what LLVM <= 22 prints)."""
    k = t.kind
    if k == "half":
        return "0xH%04X" % bits
    if k == "bfloat":
        return "0xR%04X" % bits
    if k == "x86_fp80":
        return "0xK%04X%016X" % (bits >> 64, bits & ((1 << 64) - 1))
    if k in ("fp128", "ppc_fp128"):
        return "0x%s%016X%016X" % ("L" if k == "fp128" else "M", bits & ((1 << 64) - 1), bits >> 64)
    if k == "double":
        v = _bits_double(bits)
    else:  # float: printed as the double of the same value
        val = decode(bits, t)
        if isinstance(val, str):
            return "0x%016X" % _float_bits_as_double(bits, t)
        v = float(val) if val != 0 else (-0.0 if bits >> 31 else 0.0)
    if math.isfinite(v):
        s = "%.6e" % v
        if float(s) == v and (v != 0 or math.copysign(1, v) == math.copysign(1, float(s))):
            return s
    return "0x%016X" % _double_bits(v) if k != "double" else "0x%016X" % bits


def _float_bits_as_double(bits: int, t: FloatType) -> int:
    """Widen a float NaN/inf bit pattern to double, keeping sign, quiet bit and payload."""
    sign = bits >> (t.bits - 1)
    mant = bits & ((1 << t.mant_bits) - 1)
    return (sign << 63) | (0x7FF << 52) | (mant << (52 - t.mant_bits))


def format_v23(bits: int, t: FloatType) -> str:
    """LLVM 23's spelling: named infinities, decimals that round-trip in the type, else
    `f0x` with the native bits. NaNs keep the legacy hex form, which 23 also reads."""
    val = decode(bits, t)
    if val == "inf":
        return "+inf"
    if val == "-inf":
        return "-inf"
    if val == "nan" or t.kind == "ppc_fp128":
        return format_legacy(bits, t)
    d = _double_of(bits, t)
    if d is not None:
        s = "%.6e" % d
        if parse_literal(s, t) == bits:
            return s
    width = (t.bits + 3) // 4
    return "f0x%0*X" % (width, bits)
