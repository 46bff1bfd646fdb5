"""Helpers the Fortran runtime rules call: loops over the elements of flang's array
descriptors, as textual IR (opaque pointers; flang 16 and later write nothing else).

flang's descriptor (its runtime's `Descriptor`, ISO_Fortran_binding's `CFI_cdesc_t` on a
64-bit target): base address at byte 0, element length at 8, version at 16, rank (i8) at
20, type code (i8) at 21, attribute at 22, extra at 23, then one {lower bound, extent,
byte stride} triple of i64 per dimension from byte 24. Elements are visited in array
element order (the first dimension fastest), so two conformable descriptors are walked
in lockstep.

Every helper is one instance of `_WALK`: `@name(ptr %d, ptr %dbase, ptr %s, ptr %sbase,
double %scale)` visits element k of descriptor %d at `%dbase + offset_d(k)` (`%pd`) and
reads `%v`, the matching source element: `%sbase + offset_s(k)` when %s is a descriptor,
`%sbase + 8k` (a contiguous copy) when %s is null, 1.0 when %sbase is null. Arrays of
real(8) (type code 28) are walked, integer ones (codes 1-24: no derivative) skipped; any
other type traps rather than give a wrong derivative.
"""

from __future__ import annotations

DOUBLE_CODE = 28
HEADER = 24  # bytes before the first dimension
DIM = 24  # bytes per dimension

_WALK = """
define internal {ret} @{name}(ptr %d, ptr %dbase, ptr %s, ptr %sbase, double %scale) {{
entry:
  %rank.p = getelementptr i8, ptr %d, i64 20
  %rank8 = load i8, ptr %rank.p, align 1
  %rank = zext i8 %rank8 to i64
  %type.p = getelementptr i8, ptr %d, i64 21
  %type = load i8, ptr %type.p, align 1
  %real8 = icmp eq i8 %type, {double}
  br i1 %real8, label %count, label %other
other:
  %int = icmp ule i8 %type, 24
  br i1 %int, label %exit.skip, label %bad
bad:
  call void @llvm.trap()
  unreachable
count:
  %ci = phi i64 [ 0, %entry ], [ %ci1, %count.dim ]
  %n = phi i64 [ 1, %entry ], [ %n1, %count.dim ]
  %cdone = icmp eq i64 %ci, %rank
  br i1 %cdone, label %head, label %count.dim
count.dim:
  %ce.o = mul i64 %ci, {dim}
  %ce.o1 = add i64 %ce.o, {extent}
  %ce.p = getelementptr i8, ptr %d, i64 %ce.o1
  %ce = load i64, ptr %ce.p, align 8
  %n1 = mul i64 %n, %ce
  %ci1 = add i64 %ci, 1
  br label %count
head:
  %k = phi i64 [ 0, %count ], [ %k1, %body ]
  %acc = phi double [ 0.0, %count ], [ %acc1, %body ]
  %done = icmp sge i64 %k, %n
  br i1 %done, label %exit, label %offs
offs:
  %j = phi i64 [ 0, %head ], [ %j1, %offs.dim ]
  %rem = phi i64 [ %k, %head ], [ %rem1, %offs.dim ]
  %od = phi i64 [ 0, %head ], [ %od1, %offs.dim ]
  %os = phi i64 [ 0, %head ], [ %os1, %offs.dim ]
  %jdone = icmp eq i64 %j, %rank
  br i1 %jdone, label %body, label %offs.dim
offs.dim:
  %snull = icmp eq ptr %s, null
  %sd = select i1 %snull, ptr %d, ptr %s
  %e.o = mul i64 %j, {dim}
  %e.o1 = add i64 %e.o, {extent}
  %e.p = getelementptr i8, ptr %d, i64 %e.o1
  %e = load i64, ptr %e.p, align 8
  %sm.o = add i64 %e.o, {stride}
  %sm.p = getelementptr i8, ptr %d, i64 %sm.o
  %sm = load i64, ptr %sm.p, align 8
  %ssm.p = getelementptr i8, ptr %sd, i64 %sm.o
  %ssm = load i64, ptr %ssm.p, align 8
  %idx = urem i64 %rem, %e
  %rem1 = udiv i64 %rem, %e
  %od.t = mul i64 %idx, %sm
  %od1 = add i64 %od, %od.t
  %os.t = mul i64 %idx, %ssm
  %os1 = add i64 %os, %os.t
  %j1 = add i64 %j, 1
  br label %offs
body:
  %pd = getelementptr i8, ptr %dbase, i64 %od
  %s.null = icmp eq ptr %s, null
  %k8 = mul i64 %k, 8
  %os.k = select i1 %s.null, i64 %k8, i64 %os
  %ps.any = getelementptr i8, ptr %sbase, i64 %os.k
  %sb.null = icmp eq ptr %sbase, null
  %ps = select i1 %sb.null, ptr %pd, ptr %ps.any
  %v.loaded = load double, ptr %ps, align 8
  %v = select i1 %sb.null, double 1.0, double %v.loaded
{body}
  %k1 = add i64 %k, 1
  br label %head
exit:
  ret {result}
exit.skip:
  ret {skipped}
}}

declare void @llvm.trap()
"""

# name: (return type, body computing %acc1 from %pd, %ps, %v, %scale, %acc, result, skipped)
_BODIES = {
    # sum of dst * src (forward mode: the tangent of SUM and DOT_PRODUCT)
    "dot": ("double", """
  %x = load double, ptr %pd, align 8
  %m = fmul double %x, %v
  %acc1 = fadd double %acc, %m""", "double %acc", "double 0.0"),
    # dst += scale * src (reverse mode of SUM and DOT_PRODUCT)
    "axpy": ("void", """
  %x = load double, ptr %pd, align 8
  %m = fmul double %scale, %v
  %y = fadd double %x, %m
  store double %y, ptr %pd, align 8
  %acc1 = fadd double %acc, 0.0""", "void", "void"),
    # dst = scale * src (forward mode of an assignment; scale 0 for a constant source)
    "copy": ("void", """
  %m = fmul double %scale, %v
  store double %m, ptr %pd, align 8
  %acc1 = fadd double %acc, 0.0""", "void", "void"),
    # src += dst, dst = 0 (reverse mode of an assignment; no source shadow: dst = 0)
    "transfer": ("void", """
  %x = load double, ptr %pd, align 8
  store double 0.0, ptr %pd, align 8
  %add = select i1 %sb.null, double 0.0, double %x
  %y0 = load double, ptr %ps, align 8
  %y = fadd double %y0, %add
  store double %y, ptr %ps, align 8
  %acc1 = fadd double %acc, 0.0""", "void", "void"),
    # contiguous copy of the elements: sbase[k] = dst element (what reverse mode keeps)
    "gather": ("void", """
  %x = load double, ptr %pd, align 8
  store double %x, ptr %ps, align 8
  %acc1 = fadd double %acc, 0.0""", "void", "void"),
    # the number of elements (as a double: the template's one accumulator)
    "count": ("double", """
  %acc1 = fadd double %acc, 1.0""", "double %acc", "double 0.0"),
}


def walker(b, op: str):
    """The helper function `op` of `_BODIES`, added to the module on first use."""
    ret, body, result, skipped = _BODIES[op]
    name = f"__enzyme_compat_fortran_{op}"
    return b.helper(name, _WALK.format(ret=ret, name=name, body=body, result=result,
                                       skipped=skipped, double=DOUBLE_CODE, dim=DIM,
                                       extent=HEADER + 8, stride=HEADER + 16))
