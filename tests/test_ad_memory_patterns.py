"""The address reasoning behind two reverse-sweep savings, on small hand-written bodies
(the C programs of tests/ad_reverse run them end to end: stencil_1d.c, inplace_update.c):
which in-place updates `*p += e` may leave their shadow alone (ad/increments.py) and which
vector loads overlap in part (ad/staggered.py). Each case is one the analyses must get
right either way: a saving taken where it is wrong gives wrong gradients."""

from __future__ import annotations

import enzyme_compat
from enzyme_compat.ad.increments import in_place_updates
from enzyme_compat.ad.staggered import staggered_groups
from enzyme_compat.ir import instructions as I


def _function(body: str, params: str = "ptr %p, <2 x double> %e", text: str = ""):
    module = enzyme_compat.parse(f"{text}define void @f({params}) {{\n{body}\n}}\n", "case.ll")
    return module.functions[-1]


def _in_place_loads(fn) -> list[str]:
    return sorted(i.name for i in in_place_updates(fn) if isinstance(i, I.Load))


def test_interleaved_updates_are_both_in_place():
    fn = _function("""entry:
  %q = getelementptr inbounds i8, ptr %p, i64 16
  %a = load <2 x double>, ptr %p
  %b = load <2 x double>, ptr %q
  %a2 = fadd <2 x double> %a, %e
  %b2 = fadd <2 x double> %b, %e
  store <2 x double> %a2, ptr %p
  store <2 x double> %b2, ptr %q
  ret void""")
    assert _in_place_loads(fn) == ["a", "b"]


def test_a_store_over_the_loaded_bytes_ends_the_update():
    # the vector store writes p[0..1], which holds the scalar loaded from p[1]
    fn = _function("""entry:
  %q = getelementptr inbounds double, ptr %p, i64 1
  %v = load <2 x double>, ptr %p
  %s = load double, ptr %q
  %v2 = fadd <2 x double> %v, %e
  %s2 = fadd double %s, 1.0
  store <2 x double> %v2, ptr %p
  store double %s2, ptr %q
  ret void""")
    assert _in_place_loads(fn) == ["v"]


def test_typed_pointers_match_through_two_bitcasts():
    fn = _function("""entry:
  %l = bitcast double* %p to <2 x double>*
  %a = load <2 x double>, <2 x double>* %l
  %a2 = fadd <2 x double> %a, %e
  %s = bitcast double* %p to <2 x double>*
  store <2 x double> %a2, <2 x double>* %s
  ret void""", params="double* %p, <2 x double> %e")
    assert _in_place_loads(fn) == ["a"]


def test_scalable_vectors_keep_the_conservative_rule():
    # the size of a scalable store is unknown: it may cover the second load's bytes
    fn = _function("""entry:
  %q = getelementptr inbounds i8, ptr %p, i64 16
  %a = load <vscale x 2 x double>, ptr %p
  %b = load <vscale x 2 x double>, ptr %q
  %a2 = fadd <vscale x 2 x double> %a, %e
  %b2 = fadd <vscale x 2 x double> %b, %e
  store <vscale x 2 x double> %a2, ptr %p
  store <vscale x 2 x double> %b2, ptr %q
  ret void""", params="ptr %p, <vscale x 2 x double> %e")
    assert _in_place_loads(fn) == ["a"]


def _groups(fn) -> list[list[str]]:
    groups = {id(g): g for g in staggered_groups(fn).values()}
    return sorted(sorted(ld.name for ld in g.loads) for g in groups.values())


_LOOP = """entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
{body}
  %next = add i64 %i, {step}
  %c = icmp ult i64 %next, 64
  br i1 %c, label %loop, label %done
done:
  ret void"""


def test_nested_offsets_put_a_stencils_loads_in_one_group():
    # LLVM 18+: x[i-1..i], x[i..i+1], x[i+1..i+2] as byte offsets from one element pointer
    fn = _function(_LOOP.format(step=2, body="""  %j = or disjoint i64 %i, 1
  %x = getelementptr double, ptr %p, i64 %j
  %xl = getelementptr i8, ptr %x, i64 -8
  %xr = getelementptr i8, ptr %x, i64 8
  %l = load <2 x double>, ptr %xl
  %m = load <2 x double>, ptr %x
  %r = load <2 x double>, ptr %xr"""))
    assert _groups(fn) == [["l", "m", "r"]]


def test_or_is_an_add_only_below_the_counters_zero_bits():
    # releases before 18 write `or %i, 1` without `disjoint`: an add when %i steps by 2
    body = """  %j = or i64 %i, 1
  %a = getelementptr double, ptr %p, i64 %i
  %b = getelementptr double, ptr %p, i64 %j
  %l = load <2 x double>, ptr %a
  %m = load <2 x double>, ptr %b"""
    assert _groups(_function(_LOOP.format(step=2, body=body))) == [["l", "m"]]
    # stepping by 1, %i | 1 is %i itself every other iteration: no known offset
    assert _groups(_function(_LOOP.format(step=1, body=body))) == []
