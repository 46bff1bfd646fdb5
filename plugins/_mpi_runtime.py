"""Internal IR functions the MPI rules call (added to a module on first use).

None of them names an MPI function: the MPI calls they make go through function pointers
the rules store (the program's own `@MPI_Isend`, `@MPI_Irecv`, `@MPI_Wait`), so they do not
depend on how an MPI implementation spells its handles. `{H}` is the type of the
program's datatype and communicator handles (`ptr` in Open MPI, `i32` in MPICH).

A *request record* (88 bytes, malloc'd in the forward sweep by an Isend/Irecv) holds what
the reverse sweep needs to differentiate the nonblocking operation; its address is kept
in the shadow of the request:

    0 start: MPI_Irecv for an Isend (the adjoint comes back), MPI_Isend for an Irecv
    8 wait: MPI_Wait          16 shadow of the buffer (or null)     24 scratch buffer
   32 count (i32)  36 peer  40 tag  44 kind (0: Isend, 1: Irecv)  48 bytes (i64)
   56 datatype  64 communicator  72 the adjoint's request  80 element (0: double, 1: float)
"""

from __future__ import annotations

_ADD = """
define internal void @{name}(ptr %dst, ptr %src, i64 %n) {{
entry:
  %none = icmp eq i64 %n, 0
  br i1 %none, label %done, label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %pd = getelementptr inbounds {T}, ptr %dst, i64 %i
  %ps = getelementptr inbounds {T}, ptr %src, i64 %i
  %a = load {T}, ptr %pd, align 1
  %b = load {T}, ptr %ps, align 1
  %s = fadd {T} %a, %b
  store {T} %s, ptr %pd, align 1
  %next = add i64 %i, 1
  %more = icmp ult i64 %next, %n
  br i1 %more, label %loop, label %done
done:
  ret void
}}
"""

# MPI_User_function for MPI_Op_create: inout[i] += in[i]
_SUM_OP = """
declare void @{add}(ptr, ptr, i64)

define internal void @{name}(ptr %in, ptr %inout, ptr %len, ptr %dt) {{
entry:
  %n32 = load i32, ptr %len, align 4
  %n = sext i32 %n32 to i64
  call void @{add}(ptr %inout, ptr %in, i64 %n)
  ret void
}}
"""

_RECORD = """
declare ptr @malloc(i64)

define internal ptr @{name}(ptr %start, ptr %wait, ptr %dbuf, i32 %count, i32 %peer,
                             i32 %tag, i32 %kind, i64 %bytes, {H} %dt, {H} %comm,
                             i32 %elem) {{
entry:
  %r = call ptr @malloc(i64 88)
  store ptr %start, ptr %r, align 8
  %p8 = getelementptr inbounds i8, ptr %r, i64 8
  store ptr %wait, ptr %p8, align 8
  %p16 = getelementptr inbounds i8, ptr %r, i64 16
  store ptr %dbuf, ptr %p16, align 8
  %p24 = getelementptr inbounds i8, ptr %r, i64 24
  store ptr null, ptr %p24, align 8
  %p32 = getelementptr inbounds i8, ptr %r, i64 32
  store i32 %count, ptr %p32, align 4
  %p36 = getelementptr inbounds i8, ptr %r, i64 36
  store i32 %peer, ptr %p36, align 4
  %p40 = getelementptr inbounds i8, ptr %r, i64 40
  store i32 %tag, ptr %p40, align 4
  %p44 = getelementptr inbounds i8, ptr %r, i64 44
  store i32 %kind, ptr %p44, align 4
  %p48 = getelementptr inbounds i8, ptr %r, i64 48
  store i64 %bytes, ptr %p48, align 8
  %p56 = getelementptr inbounds i8, ptr %r, i64 56
  store {H} %dt, ptr %p56, align 8
  %p64 = getelementptr inbounds i8, ptr %r, i64 64
  store {H} %comm, ptr %p64, align 8
  %p80 = getelementptr inbounds i8, ptr %r, i64 80
  store i32 %elem, ptr %p80, align 4
  ret ptr %r
}}
"""

# the adjoint of a Wait: start the reversed communication of a request record
_START = """
declare ptr @calloc(i64, i64)

define internal void @{name}(ptr %r) {{
entry:
  %null = icmp eq ptr %r, null
  br i1 %null, label %done, label %go
go:
  %p16 = getelementptr inbounds i8, ptr %r, i64 16
  %dbuf = load ptr, ptr %p16, align 8
  %p44 = getelementptr inbounds i8, ptr %r, i64 44
  %kind = load i32, ptr %p44, align 4
  %p48 = getelementptr inbounds i8, ptr %r, i64 48
  %bytes = load i64, ptr %p48, align 8
  %is_send = icmp eq i32 %kind, 0
  %no_shadow = icmp eq ptr %dbuf, null
  %need = or i1 %is_send, %no_shadow
  br i1 %need, label %scratch, label %post
scratch:
  %s = call ptr @calloc(i64 %bytes, i64 1)
  %p24 = getelementptr inbounds i8, ptr %r, i64 24
  store ptr %s, ptr %p24, align 8
  br label %post
post:
  %buf = phi ptr [ %dbuf, %go ], [ %s, %scratch ]
  %start = load ptr, ptr %r, align 8
  %p32 = getelementptr inbounds i8, ptr %r, i64 32
  %count = load i32, ptr %p32, align 4
  %p36 = getelementptr inbounds i8, ptr %r, i64 36
  %peer = load i32, ptr %p36, align 4
  %p40 = getelementptr inbounds i8, ptr %r, i64 40
  %tag = load i32, ptr %p40, align 4
  %p56 = getelementptr inbounds i8, ptr %r, i64 56
  %dt = load {H}, ptr %p56, align 8
  %p64 = getelementptr inbounds i8, ptr %r, i64 64
  %comm = load {H}, ptr %p64, align 8
  %req = getelementptr inbounds i8, ptr %r, i64 72
  %rc = call i32 %start(ptr %buf, i32 %count, {H} %dt, i32 %peer, i32 %tag, {H} %comm,
                        ptr %req)
  br label %done
done:
  ret void
}}
"""

# the adjoint of an Isend/Irecv: wait for the reversed communication, then add the
# adjoint received into the buffer's shadow (Isend) or zero the shadow (Irecv)
_FINISH = """
declare void @free(ptr)
declare void @{add_double}(ptr, ptr, i64)
declare void @{add_float}(ptr, ptr, i64)
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)

define internal void @{name}(ptr %r) {{
entry:
  %status = alloca [16 x i64], align 8
  %null = icmp eq ptr %r, null
  br i1 %null, label %done, label %go
go:
  %p8 = getelementptr inbounds i8, ptr %r, i64 8
  %wait = load ptr, ptr %p8, align 8
  %req = getelementptr inbounds i8, ptr %r, i64 72
  %rc = call i32 %wait(ptr %req, ptr %status)
  %p16 = getelementptr inbounds i8, ptr %r, i64 16
  %dbuf = load ptr, ptr %p16, align 8
  %p24 = getelementptr inbounds i8, ptr %r, i64 24
  %s = load ptr, ptr %p24, align 8
  %p44 = getelementptr inbounds i8, ptr %r, i64 44
  %kind = load i32, ptr %p44, align 4
  %p48 = getelementptr inbounds i8, ptr %r, i64 48
  %bytes = load i64, ptr %p48, align 8
  %no_shadow = icmp eq ptr %dbuf, null
  br i1 %no_shadow, label %release, label %shadow
shadow:
  %is_send = icmp eq i32 %kind, 0
  br i1 %is_send, label %add, label %zero
add:
  %p80 = getelementptr inbounds i8, ptr %r, i64 80
  %elem = load i32, ptr %p80, align 4
  %is_double = icmp eq i32 %elem, 0
  br i1 %is_double, label %add_double, label %add_float
add_double:
  %nd = udiv i64 %bytes, 8
  call void @{add_double}(ptr %dbuf, ptr %s, i64 %nd)
  br label %release
add_float:
  %nf = udiv i64 %bytes, 4
  call void @{add_float}(ptr %dbuf, ptr %s, i64 %nf)
  br label %release
zero:
  call void @llvm.memset.p0.i64(ptr %dbuf, i8 0, i64 %bytes, i1 false)
  br label %release
release:
  call void @free(ptr %s)
  call void @free(ptr %r)
  br label %done
done:
  ret void
}}
"""

# forward sweep of a Waitall: the records of n requests (taken out of their shadows)
_TAKE = """
declare ptr @malloc(i64)

define internal ptr @{name}(ptr %dreqs, i32 %n32) {{
entry:
  %n = sext i32 %n32 to i64
  %bytes = mul i64 %n, 8
  %a = call ptr @malloc(i64 %bytes)
  %none = icmp sle i64 %n, 0
  br i1 %none, label %done, label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %ps = getelementptr inbounds ptr, ptr %dreqs, i64 %i
  %rec = load ptr, ptr %ps, align 8
  store ptr null, ptr %ps, align 8
  %pa = getelementptr inbounds ptr, ptr %a, i64 %i
  store ptr %rec, ptr %pa, align 8
  %next = add i64 %i, 1
  %more = icmp slt i64 %next, %n
  br i1 %more, label %loop, label %done
done:
  ret ptr %a
}}
"""

# reverse sweep of a Waitall: start the reversed communication of every record
_START_ALL = """
declare void @free(ptr)
declare void @{start}(ptr)

define internal void @{name}(ptr %a, i32 %n32) {{
entry:
  %n = sext i32 %n32 to i64
  %none = icmp sle i64 %n, 0
  br i1 %none, label %done, label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %pa = getelementptr inbounds ptr, ptr %a, i64 %i
  %rec = load ptr, ptr %pa, align 8
  call void @{start}(ptr %rec)
  %next = add i64 %i, 1
  %more = icmp slt i64 %next, %n
  br i1 %more, label %loop, label %done
done:
  call void @free(ptr %a)
  ret void
}}
"""

# forward mode: wait for the shadow requests a Wait/Waitall covers (null: none was started)
_WAIT_SHADOWS = """
define internal void @{name}(ptr %wait, ptr %dreqs, i32 %n32) {{
entry:
  %status = alloca [16 x i64], align 8
  %n = sext i32 %n32 to i64
  %none = icmp sle i64 %n, 0
  br i1 %none, label %done, label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %next, %latch ]
  %p = getelementptr inbounds {H}, ptr %dreqs, i64 %i
  %req = load {H}, ptr %p, align 4
  %zero = icmp eq {H} %req, {HZERO}
  br i1 %zero, label %latch, label %wait_one
wait_one:
  %rc = call i32 %wait(ptr %p, ptr %status)
  br label %latch
latch:
  %next = add i64 %i, 1
  %more = icmp slt i64 %next, %n
  br i1 %more, label %loop, label %done
done:
  ret void
}}
"""

# reverse of a Reduce/Bcast at the root: `dst` gets `src` when `cond`, else zeros
_SET_OR_ZERO = """
declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)

define internal void @{name}(i1 %cond, ptr %dst, ptr %src, i64 %bytes) {{
entry:
  %null = icmp eq ptr %dst, null
  br i1 %null, label %done, label %go
go:
  br i1 %cond, label %copy, label %zero
copy:
  call void @llvm.memcpy.p0.p0.i64(ptr %dst, ptr %src, i64 %bytes, i1 false)
  br label %done
zero:
  call void @llvm.memset.p0.i64(ptr %dst, i8 0, i64 %bytes, i1 false)
  br label %done
done:
  ret void
}}
"""

# reverse of a Scatter at the root: dst[i] += src[i] only where `cond` (the root's send
# buffer is not significant elsewhere) and dst is not null
_ADD_IF = """
declare void @{add}(ptr, ptr, i64)

define internal void @{name}(i1 %cond, ptr %dst, ptr %src, i64 %n) {{
entry:
  %null = icmp eq ptr %dst, null
  %go = xor i1 %null, true
  %both = and i1 %go, %cond
  br i1 %both, label %add, label %done
add:
  call void @{add}(ptr %dst, ptr %src, i64 %n)
  br label %done
done:
  ret void
}}
"""

PREFIX = "__enzyme_compat_mpi_"
ELEMENTS = {"double": 0, "float": 1}


def _handle_zero(h: str) -> str:
    return "null" if h == "ptr" else "0"


def add_fn(b, elem: str):
    """`@..._add_<elem>(dst, src, n)`: dst[i] += src[i] for n elements."""
    name = PREFIX + "add_" + elem
    return b.helper(name, _ADD.format(name=name, T=elem))


def add_if_fn(b, elem: str):
    """`@..._add_if_<elem>(cond, dst, src, n)`: dst[i] += src[i] when cond and dst is not
    null."""
    add_fn(b, elem)
    name = PREFIX + "add_if_" + elem
    return b.helper(name, _ADD_IF.format(name=name, add=PREFIX + "add_" + elem))


def sum_op_fn(b, elem: str):
    add_fn(b, elem)
    name = PREFIX + "sum_" + elem
    return b.helper(name, _SUM_OP.format(name=name, add=PREFIX + "add_" + elem))


def runtime_fn(b, what: str, handle: str = "ptr"):
    """One of the helpers above, for handles of type `handle` (IR text)."""
    suffix = "" if handle == "ptr" else "_" + handle
    name = PREFIX + what + suffix
    fmt = dict(name=name, H=handle, HZERO=_handle_zero(handle),
               add_double=PREFIX + "add_double", add_float=PREFIX + "add_float",
               start=PREFIX + "start" + suffix)
    if what == "finish":
        add_fn(b, "double")
        add_fn(b, "float")
    if what == "start_all":
        runtime_fn(b, "start", handle)
    text = {"record": _RECORD, "start": _START, "finish": _FINISH, "take": _TAKE,
            "start_all": _START_ALL, "wait_shadows": _WAIT_SHADOWS,
            "set_or_zero": _SET_OR_ZERO}[what]
    return b.helper(name, text.format(**fmt))
