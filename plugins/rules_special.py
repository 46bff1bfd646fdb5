"""Special functions derivative rules need that no C library provides (digamma), as
textual IR added to the module on first use (`TangentBuilder.helper`)."""

import struct


def _hex(v: float) -> str:
    return "0x%016X" % struct.unpack("<Q", struct.pack("<d", v))[0]


DIGAMMA = "__enzyme_compat_digamma"

# psi(x): psi(x) = psi(x + 1) - 1/x up to x >= 10, then the asymptotic series
# log x - 1/(2x) - sum B_2k / (2k x^2k) (error below 1e-17 there). Stops for x <= -1e7
# (the result is then meaningless and NaN-valued rather than a hang).
DIGAMMA_IR = f"""
declare double @llvm.log.f64(double)
define internal double @{DIGAMMA}(double %x) {{
entry:
  br label %loop
loop:
  %xi = phi double [ %x, %entry ], [ %xn, %body ]
  %r = phi double [ 0.0, %entry ], [ %rn, %body ]
  %lo = fcmp olt double %xi, 1.0e1
  %hi = fcmp ogt double %xi, -1.0e7
  %go = and i1 %lo, %hi
  br i1 %go, label %body, label %tail
body:
  %inv = fdiv double 1.0, %xi
  %rn = fsub double %r, %inv
  %xn = fadd double %xi, 1.0
  br label %loop
tail:
  %x2 = fmul double %xi, %xi
  %f = fdiv double 1.0, %x2
  %s5 = fdiv double %f, 1.32e2
  %s4 = fsub double {_hex(1 / 240)}, %s5
  %m4 = fmul double %f, %s4
  %s3 = fsub double {_hex(1 / 252)}, %m4
  %m3 = fmul double %f, %s3
  %s2 = fsub double {_hex(1 / 120)}, %m3
  %m2 = fmul double %f, %s2
  %s1 = fsub double {_hex(1 / 12)}, %m2
  %series = fmul double %f, %s1
  %l = call double @llvm.log.f64(double %xi)
  %half = fdiv double 0.5, %xi
  %a = fadd double %r, %l
  %b = fsub double %a, %half
  %res = fsub double %b, %series
  ret double %res
}}
"""


def digamma(b, x):
    """psi(x) for a scalar float `x` (computed in double)."""
    fn = b.helper(DIGAMMA, DIGAMMA_IR)
    if x.type.key() == "double":
        return b.call(fn, [x])
    wide = b.cast("fpext" if x.type.bits < 64 else "fptrunc", fn.fn_type.params[0], x)
    return b.cast("fptrunc" if x.type.bits < 64 else "fpext", x.type, b.call(fn, [wide]))
