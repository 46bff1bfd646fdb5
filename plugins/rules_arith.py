"""Forward rules: float arithmetic, conversions, comparisons, integer ops, select."""

from enzyme_compat.ad.hookspecs import ad_hookimpl
from enzyme_compat.ad.rules import rules
from enzyme_compat.ir.instructions import INT_BINARY


def _fmul(b, a, d):  # d(x*y) = dx*y + x*dy; an operand is read only when the other's
    # tangent is there (reverse mode reads operands from the tape on first use)
    return b.fadd(None if d[0] is None else b.fmul(d[0], a[1]),
                  None if d[1] is None else b.fmul(a[0], d[1]))


def _fdiv(b, a, d):  # d(x/y) = (dx - (x/y)*dy) / y
    num = b.fsub(d[0], b.fmul(b.result, d[1]))
    return None if num is None else b.fdiv(num, a[1])


def _frem(b, a, d):  # frem(x, y) = x - y*trunc(x/y): dx - dy*trunc(x/y)
    if d[1] is None:
        return d[0]
    q = b.unary("trunc", b.binop("fdiv", a[0], a[1]))
    return b.fsub(d[0], b.fmul(d[1], q))


def _same_cast(b, a, d):  # fpext/fptrunc of the tangent; bitcast of a tangent or shadow
    return b.cast(b.inst.opcode, b.inst.type, d[0])


FLOAT = {
    "fadd": lambda b, a, d: b.fadd(d[0], d[1]),
    "fsub": lambda b, a, d: b.fsub(d[0], d[1]),
    "fmul": _fmul,
    "fdiv": _fdiv,
    "frem": _frem,
    "fneg": lambda b, a, d: b.fneg(d[0]),
    "fpext": _same_cast,
    "fptrunc": _same_cast,
    "bitcast": _same_cast,
    "addrspacecast": _same_cast,
    "select": lambda b, a, d: b.select(a[0], d[1], d[2], b.inst.type),
    "freeze": lambda b, a, d: d[0],
}

# No derivative whatever the operands: integers, comparisons, float<->int conversions.
INACTIVE = dict.fromkeys(
    INT_BINARY + ("icmp", "fcmp", "sitofp", "uitofp", "fptosi", "fptoui", "trunc", "zext",
                  "sext", "ptrtoint", "ptrtoaddr"), None)

RULES = rules("instruction", FLOAT) + rules("instruction", INACTIVE)


@ad_hookimpl
def enzyme_compat_forward_rules():
    return RULES
