"""Forward rules: vector and aggregate element operations (the same operation applied
to the tangents, zero standing in for operands without one)."""

from enzyme_compat.ad.hookspecs import ad_hookimpl
from enzyme_compat.ad.rules import rules


def _extract(b, a, d):  # extractelement / extractvalue of the tangent
    return None if d[0] is None else b.clone([d[0], *a[1:]])


def _insert(b, a, d):  # insertelement v, x, i / insertvalue agg, x
    if d[0] is None and d[1] is None:
        return None
    return b.clone([b.materialize(d[0], a[0].type), b.materialize(d[1], a[1].type), *a[2:]])


def _shuffle(b, a, d):
    if d[0] is None and d[1] is None:
        return None
    return b.clone([b.materialize(d[0], a[0].type), b.materialize(d[1], a[1].type), a[2]])


RULES = rules("instruction", {
    "extractelement": _extract,
    "extractvalue": _extract,
    "insertelement": _insert,
    "insertvalue": _insert,
    "shufflevector": _shuffle,
})


@ad_hookimpl
def enzyme_compat_forward_rules():
    return RULES
