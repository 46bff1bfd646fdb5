"""Hand-written modules, one release-specific construct each, with a function whose
result shows the construct kept its meaning after conversion to any release.

`CASES[name] = (text, fn, signature, args, expected, since)`; `fn` None = verify only.
Each text uses the newest spelling of its construct (opaque pointers unless it is a
typed-pointer case), so converting it to old releases exercises the lowerings.
"""

CASES = {}


def case(name, text, fn=None, signature=None, args=None, expected=None, since=7):
    """`since`: the first release that can express the case (older ones must refuse it
    with a ConversionError)."""
    CASES[name] = (text, fn, signature, args, expected, since)


case("fneg", """
define double @f(double %x) {
  %n = fneg nnan double %x
  %v = fneg <2 x double> <double 1.0, double 2.0>
  %e = extractelement <2 x double> %v, i32 1
  %r = fadd double %n, %e
  ret double %r
}
""", "f", "double(double)", [3.0], -5.0)

case("freeze_poison", """
define i64 @f(i64 %x) {
  %y = freeze i64 %x
  %p = select i1 false, i64 poison, i64 %y
  %r = add nuw nsw i64 %p, 1
  ret i64 %r
}
""", "f", "i64(i64)", [41], 42)

case("flags_new", """
define i64 @f(i32 %a, i32 %b) {
  %c = icmp samesign ult i32 %a, %b
  %o = or disjoint i32 %a, 16
  %z = zext nneg i32 %o to i64
  %t = trunc nuw nsw i64 %z to i32
  %u = uitofp nneg i32 %t to double
  %s = select nnan i1 %c, double %u, double 0.0
  %r = fptosi double %s to i64
  ret i64 %r
}
""", "f", "i64(i32, i32)", [1, 5], 17)

case("gep_flags_and_array", """
@tab = internal constant [4 x double] [double 1.0, double 2.5, double 4.0, double 8.0]

define double @f(i64 %i) {
  %p = getelementptr inbounds nuw [4 x double], ptr @tab, i64 0, i64 %i
  %q = getelementptr nusw i8, ptr %p, i64 8
  %v = load double, ptr %q, align 8
  ret double %v
}
""", "f", "double(i64)", [1], 4.0)

case("removed_constant_exprs", """
@g = global i64 5
@h = global [2 x i64] [i64 3, i64 4]

define i64 @f() {
  %a = add i64 mul (i64 ptrtoint (ptr @g to i64), i64 0), 1
  %b = select i1 icmp eq (ptr @g, ptr @h), i64 100, i64 %a
  %c = load i64, ptr getelementptr inbounds ([2 x i64], ptr @h, i64 0, i64 1)
  %d = add i64 %b, %c
  ret i64 %d
}
""", "f", "i64()", [], 5)

# flang's type descriptors: a size as `mul` of `ptrtoint (getelementptr (T, null, 1))`
# in a global's initializer, which releases without `mul` constants fold (sizes of plain
# integers and their arrays need no data layout)
case("sizeof_mul_in_initializer", """
@n = constant [18 x i8] c"__builtin_c_funptr"
@d = constant { ptr, i64 } { ptr @n, i64 mul (i64 ptrtoint (ptr getelementptr (i8, ptr null, i32 1) to i64), i64 ptrtoint (ptr getelementptr ([18 x i8], ptr null, i32 1) to i64)) }

define i64 @f() {
  %p = getelementptr inbounds i8, ptr @d, i64 8
  %v = load i64, ptr %p
  ret i64 %v
}
""", "f", "i64()", [], 18)

case("float_constants", """
@h = global half 0xH3C00
@b = global bfloat 0xR3F80
@q = global fp128 0xL00000000000000003FFF000000000000
@x = global x86_fp80 0xK3FFF8000000000000000

define double @f(double %x) {
  %a = fmul double %x, 0x3FB999999999999A
  %i = fadd double %a, 0x7FF0000000000000
  %c = fcmp oeq double %i, %i
  %z = select i1 %c, double %a, double -0.0
  %fl = fptrunc double %z to float
  %g = fmul float %fl, 1.000000e+01
  %r = fpext float %g to double
  ret double %r
}
""", "f", "double(double)", [2.0], 2.0, since=11)

case("memory_attrs", """
declare double @llvm.sqrt.f64(double) nounwind memory(none)
declare void @ext(ptr captures(none) noundef) memory(argmem: read, inaccessiblemem: write)

define double @f(double %x) #0 {
  %r = call double @llvm.sqrt.f64(double %x)
  ret double %r
}

attributes #0 = { nounwind memory(read, argmem: none) uwtable(sync) mustprogress willreturn "frame-pointer"="all" }
""", "f", "double(double)", [16.0], 4.0)

case("debug_records", """
define i32 @f(i32 %x) !dbg !5 {
  %y = add i32 %x, 1
    #dbg_value(i32 %y, !9, !DIExpression(), !10)
  ret i32 %y, !dbg !10
}

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!3, !4}
!0 = distinct !DICompileUnit(language: DW_LANG_C99, file: !1, producer: "t", isOptimized: true, runtimeVersion: 0, emissionKind: FullDebug, nameTableKind: None)
!1 = !DIFile(filename: "t.c", directory: "/")
!3 = !{i32 2, !"Debug Info Version", i32 3}
!4 = !{i32 7, !"Dwarf Version", i32 5}
!5 = distinct !DISubprogram(name: "f", scope: !1, file: !1, line: 1, type: !6, scopeLine: 1, flags: DIFlagPrototyped | DIFlagAllCallsDescribed, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !0, retainedNodes: !8)
!6 = !DISubroutineType(types: !7)
!7 = !{!11, !11}
!8 = !{!9}
!9 = !DILocalVariable(name: "y", scope: !5, file: !1, line: 1, type: !11)
!10 = !DILocation(line: 2, column: 3, scope: !5)
!11 = !DIBasicType(name: "int", size: 32, encoding: DW_ATE_signed)
""", "f", "i32(i32)", [1], 2)

case("lifetime_new_form", """
declare void @llvm.lifetime.start.p0(ptr)
declare void @llvm.lifetime.end.p0(ptr)

define i32 @f(i32 %x) {
  %a = alloca i32, align 4
  call void @llvm.lifetime.start.p0(ptr %a)
  store i32 %x, ptr %a, align 4
  %v = load i32, ptr %a, align 4
  call void @llvm.lifetime.end.p0(ptr %a)
  ret i32 %v
}
""", "f", "i32(i32)", [7], 7)

case("lifetime_old_form", """
declare void @llvm.lifetime.start.p0i8(i64, i8* nocapture)
declare void @llvm.lifetime.end.p0i8(i64, i8* nocapture)

define i32 @f(i32 %x) {
  %a = alloca i32, align 4
  %b = bitcast i32* %a to i8*
  call void @llvm.lifetime.start.p0i8(i64 4, i8* %b)
  store i32 %x, i32* %a, align 4
  %v = load i32, i32* %a, align 4
  call void @llvm.lifetime.end.p0i8(i64 4, i8* %b)
  ret i32 %v
}
""", "f", "i32(i32)", [9], 9)

case("masked_load_new_form", """
declare <2 x double> @llvm.masked.load.v2f64.p0(ptr, <2 x i1>, <2 x double>)

define double @f(ptr %p) {
  %v = call <2 x double> @llvm.masked.load.v2f64.p0(ptr align 8 %p, <2 x i1> <i1 true, i1 false>, <2 x double> <double 0.0, double 5.0>)
  %a = extractelement <2 x double> %v, i32 0
  %b = extractelement <2 x double> %v, i32 1
  %r = fadd double %a, %b
  ret double %r
}
""", "f", "double(double*)", [[1.5, 100.0]], 6.5)

case("powi_and_reduce", """
declare double @llvm.powi.f64.i32(double, i32)
declare double @llvm.vector.reduce.fadd.v4f64(double, <4 x double>)
declare i32 @llvm.vector.reduce.add.v4i32(<4 x i32>)

define double @f(double %x) {
  %p = call double @llvm.powi.f64.i32(double %x, i32 3)
  %v = insertelement <4 x double> <double 1.0, double 2.0, double 3.0, double 0.0>, double %p, i32 3
  %s = call double @llvm.vector.reduce.fadd.v4f64(double -0.0, <4 x double> %v)
  %i = call i32 @llvm.vector.reduce.add.v4i32(<4 x i32> <i32 1, i32 2, i32 3, i32 4>)
  %d = sitofp i32 %i to double
  %r = fadd double %s, %d
  ret double %r
}
""", "f", "double(double)", [2.0], 24.0)

case("struct_byval_phi_loop", """
%struct.P = type { double, [2 x i32], ptr }

define double @sum(ptr byval(%struct.P) align 8 %s, ptr %a, i64 %n) {
entry:
  %x = load double, ptr %s, align 8
  br label %loop

loop:
  %i = phi i64 [ 0, %entry ], [ %i.next, %loop ]
  %acc = phi double [ %x, %entry ], [ %acc.next, %loop ]
  %q = phi ptr [ %a, %entry ], [ %q.next, %loop ]
  %v = load double, ptr %q, align 8
  %acc.next = fadd fast double %acc, %v
  %q.next = getelementptr inbounds double, ptr %q, i64 1
  %i.next = add nuw i64 %i, 1
  %done = icmp eq i64 %i.next, %n
  br i1 %done, label %exit, label %loop

exit:
  ret double %acc.next
}

define double @f(ptr %a) {
  %s = alloca %struct.P, align 8
  store double 0.5, ptr %s, align 8
  %r = call double @sum(ptr byval(%struct.P) align 8 %s, ptr %a, i64 3)
  ret double %r
}
""", "f", "double(double*)", [[1.0, 2.0, 3.0]], 6.5)

case("switch_select_calls", """
@fmt = private constant [3 x i8] c"%d\\00"
declare i32 @printf(ptr, ...)

define internal fastcc i32 @g(i32 %x) {
  switch i32 %x, label %d [
    i32 0, label %a
    i32 1, label %b
  ]
a:
  ret i32 10
b:
  ret i32 20
d:
  ret i32 30
}

define i32 @f(i32 %x) {
  %r = call fastcc i32 @g(i32 %x)
  %c = icmp sgt i32 %x, 100
  br i1 %c, label %print, label %done
print:
  %u = call i32 (ptr, ...) @printf(ptr @fmt, i32 %r)
  br label %done
done:
  ret i32 %r
}
""", "f", "i32(i32)", [1], 20)

case("typed_pointers_input", """
%struct.S = type { double, i32* }
@gs = global %struct.S zeroinitializer

define double @f(double* %p) {
  %a = getelementptr inbounds %struct.S, %struct.S* @gs, i64 0, i32 0
  store double 2.0, double* %a, align 8
  %v = load double, double* %p, align 8
  %w = load double, double* %a, align 8
  %c = bitcast double* %p to i8*
  %d = bitcast i8* %c to double*
  %x = load double, double* %d, align 8
  %m = fmul double %v, %w
  %r = fadd double %m, %x
  ret double %r
}
""", "f", "double(double*)", [[3.0]], 9.0)

case("ptrtoaddr_and_denormal_env", """
@g = global [4 x i8] zeroinitializer

define i64 @f() #0 {
  %p = getelementptr i8, ptr @g, i64 3
  %a = ptrtoaddr ptr %p to i64
  %b = ptrtoint ptr @g to i64
  %d = sub i64 %a, %b
  ret i64 %d
}

attributes #0 = { nounwind "denormal-fp-math"="preserve-sign,preserve-sign" }
""", "f", "i64()", [], 3)

case("asm_indirect_operand_typed", """
define i32 @f(i32 %x) {
  %a = alloca i32, align 4
  store i32 %x, i32* %a, align 4
  call void asm sideeffect "incl $0", "=*m,*m,~{dirflag},~{fpsr},~{flags}"(i32* %a, i32* %a)
  %v = load i32, i32* %a, align 4
  ret i32 %v
}
""", "f", "i32(i32)", [41], 42)

case("kitchen_sink", """
source_filename = "ks.c"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"
module asm ".globl marker"
module asm "marker:"

%struct.T = type <{ i8, i32 }>
%opq = type opaque
$cd = comdat any

@tl = thread_local(initialexec) global i32 0, align 4
@cg = linkonce_odr global i32 1, comdat($cd), align 4
@sec = internal global [2 x i16] [i16 1, i16 2], section ".mydata", align 2
@as1 = addrspace(1) global double 0.0
@ptrs = global [2 x ptr] [ptr @tl, ptr getelementptr inbounds (i8, ptr @cg, i64 2)]
@al = alias i32, ptr @cg
@ifn = ifunc void (), ptr @resolver
@llvm.used = appending global [1 x ptr] [ptr @f], section "llvm.metadata"
@__gxx_personality_v0 = external global i32

define internal ptr @resolver() {
  ret ptr @g
}

define void @g() {
  ret void
}

declare i32 @ext(...)
declare void @may_throw()

define internal i32 @f(i32 %a, ptr inalloca(i32) %b, ...) unnamed_addr #0 align 16 gc "statepoint-example" {
entry:
  %t = alloca %struct.T, align 1
  %v = alloca ptr, align 8
  call void @llvm.va_start(ptr %v)
  %x = va_arg ptr %v, i32
  call void @llvm.va_end(ptr %v)
  %r = call i32 (...) @ext(i32 %a, double 1.0)
  %rmw = atomicrmw add ptr @tl, i32 1 seq_cst, align 4
  %cx = cmpxchg weak volatile ptr @tl, i32 0, i32 1 syncscope("singlethread") acquire monotonic, align 4
  %ok = extractvalue { i32, i1 } %cx, 1
  fence release
  %ld = load atomic i32, ptr @tl acquire, align 4
  store volatile i32 %ld, ptr @cg, align 4
  %sel = select i1 %ok, i32 %r, i32 %x
  %vec = insertelement <4 x float> poison, float 1.0, i64 0
  %spl = shufflevector <4 x float> %vec, <4 x float> poison, <4 x i32> zeroinitializer
  %fr = freeze <4 x float> %spl
  indirectbr ptr blockaddress(@f, %next), [label %next]

next:
  %ui = call i32 @llvm.umax.i32(i32 %sel, i32 3)
  ret i32 %ui
}

define i32 @eh() personality ptr @__gxx_personality_v0 {
entry:
  invoke void @may_throw()
          to label %ok unwind label %lp

ok:
  ret i32 0

lp:
  %l = landingpad { ptr, i32 }
          cleanup
          catch ptr null
  resume { ptr, i32 } %l
}

declare void @llvm.va_start(ptr)
declare void @llvm.va_end(ptr)
declare i32 @llvm.umax.i32(i32, i32)

attributes #0 = { noinline nounwind optnone "target-cpu"="x86-64" }

!llvm.module.flags = !{!0}
!0 = !{i32 1, !"wchar_size", i32 4}
""")

case("branch_weights_origin", """
define i32 @f(i32 %x) {
  %c = icmp sgt i32 %x, 0
  br i1 %c, label %a, label %b, !prof !0
a:
  ret i32 1
b:
  ret i32 2
}
!0 = !{!"branch_weights", !"expected", i32 2000, i32 1}
""", "f", "i32(i32)", [5], 1)
