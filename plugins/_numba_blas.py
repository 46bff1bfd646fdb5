"""Loops the BLAS rules of `rules_numba` call: textual IR (opaque pointers), one instance
per element type (`double` for numba's kind 'd', `float` for 's').

numba's `numba_xxdot`/`numba_xxgemv`/`numba_xxnrm2` hand scipy's BLAS contiguous vectors
(unit stride, except the norm's `incx`) and a column-major matrix view (`lda`); the
derivatives need no BLAS: each helper is a plain loop, strides counted in elements.

- `dot(n, x, incx, y, incy)`: sum of x[k*incx] * y[k*incy].
- `axpy(n, a, x, incx, y, incy)`: y[k*incy] += a * x[k*incx].
- `gather(n, x, incx, y)`: y[k] = x[k*incx] (a contiguous copy reverse mode keeps).
- `gemv_tangent(R, C, sr, sc, alpha, beta, A, dA, x, dx, dy)`: for each output row r,
  dy[r] = alpha * sum_c (dA[o] x[c] + A[o] dx[c]) + beta dy[r], o = r*sr + c*sc; a null dA
  or dx drops its term; beta 0 does not read dy (BLAS does not read y then either).
- `gemv_adjoint(R, C, sr, sc, alpha, beta, A, dA, x, dx, g)`: with g the output's adjoint,
  dA[o] += alpha g[r] x[c], dx[c] += alpha g[r] A[o], then g[r] = beta g[r] (0 for beta 0).
- `gemm_tangent(M, N, K, ai, al, bl, bj, ldc, alpha, beta, A, dA, B, dB, dC)`: C = alpha
  op(A) op(B) + beta C with op(A)(i, l) at A[i*ai + l*al], op(B)(l, j) at B[l*bl + j*bj]
  and C(i, j) at C[i + j*ldc]: dC(i, j) = alpha sum_l (dA(i, l) B(l, j) + A(i, l)
  dB(l, j)) + beta dC(i, j).
- `gemm_adjoint(...)` (the same arguments, G the adjoint of C): dA(i, l) += alpha G(i, j)
  B(l, j), dB(l, j) += alpha A(i, l) G(i, j), then G(i, j) = beta G(i, j).
"""

from __future__ import annotations

TYPES = {"d": ("double", 8), "s": ("float", 4)}

_DOT = """
define internal {t} @{name}(i64 %n, ptr %x, i64 %incx, ptr %y, i64 %incy) {{
entry:
  br label %head
head:
  %k = phi i64 [ 0, %entry ], [ %k1, %body ]
  %acc = phi {t} [ 0.0, %entry ], [ %acc1, %body ]
  %done = icmp sge i64 %k, %n
  br i1 %done, label %exit, label %body
body:
  %ix = mul i64 %k, %incx
  %px = getelementptr {t}, ptr %x, i64 %ix
  %vx = load {t}, ptr %px, align {a}
  %iy = mul i64 %k, %incy
  %py = getelementptr {t}, ptr %y, i64 %iy
  %vy = load {t}, ptr %py, align {a}
  %m = fmul {t} %vx, %vy
  %acc1 = fadd {t} %acc, %m
  %k1 = add i64 %k, 1
  br label %head
exit:
  ret {t} %acc
}}
"""

_AXPY = """
define internal void @{name}(i64 %n, {t} %s, ptr %x, i64 %incx, ptr %y, i64 %incy) {{
entry:
  br label %head
head:
  %k = phi i64 [ 0, %entry ], [ %k1, %body ]
  %done = icmp sge i64 %k, %n
  br i1 %done, label %exit, label %body
body:
  %ix = mul i64 %k, %incx
  %px = getelementptr {t}, ptr %x, i64 %ix
  %vx = load {t}, ptr %px, align {a}
  %iy = mul i64 %k, %incy
  %py = getelementptr {t}, ptr %y, i64 %iy
  %vy = load {t}, ptr %py, align {a}
  %m = fmul {t} %s, %vx
  %vy1 = fadd {t} %vy, %m
  store {t} %vy1, ptr %py, align {a}
  %k1 = add i64 %k, 1
  br label %head
exit:
  ret void
}}
"""

_GATHER = """
define internal void @{name}(i64 %n, ptr %x, i64 %incx, ptr %y) {{
entry:
  br label %head
head:
  %k = phi i64 [ 0, %entry ], [ %k1, %body ]
  %done = icmp sge i64 %k, %n
  br i1 %done, label %exit, label %body
body:
  %ix = mul i64 %k, %incx
  %px = getelementptr {t}, ptr %x, i64 %ix
  %vx = load {t}, ptr %px, align {a}
  %py = getelementptr {t}, ptr %y, i64 %k
  store {t} %vx, ptr %py, align {a}
  %k1 = add i64 %k, 1
  br label %head
exit:
  ret void
}}
"""

_GEMV_TANGENT = """
define internal void @{name}(i64 %R, i64 %C, i64 %sr, i64 %sc, {t} %alpha, {t} %beta, ptr %A, ptr %dA, ptr %x, ptr %dx, ptr %dy) {{
entry:
  %beta0 = fcmp oeq {t} %beta, 0.0
  %dA.null = icmp eq ptr %dA, null
  %dx.null = icmp eq ptr %dx, null
  br label %rows
rows:
  %r = phi i64 [ 0, %entry ], [ %r1, %store ]
  %rdone = icmp sge i64 %r, %R
  br i1 %rdone, label %exit, label %cols
cols:
  %c = phi i64 [ 0, %rows ], [ %c1, %next ]
  %acc = phi {t} [ 0.0, %rows ], [ %acc1, %next ]
  %cdone = icmp sge i64 %c, %C
  br i1 %cdone, label %row.end, label %body
body:
  %or = mul i64 %r, %sr
  %oc = mul i64 %c, %sc
  %o = add i64 %or, %oc
  br i1 %dA.null, label %t2, label %t1
t1:
  %pdA = getelementptr {t}, ptr %dA, i64 %o
  %vdA = load {t}, ptr %pdA, align {a}
  %px = getelementptr {t}, ptr %x, i64 %c
  %vx = load {t}, ptr %px, align {a}
  %m1 = fmul {t} %vdA, %vx
  %a1 = fadd {t} %acc, %m1
  br label %t2
t2:
  %accA = phi {t} [ %acc, %body ], [ %a1, %t1 ]
  br i1 %dx.null, label %next, label %t3
t3:
  %pA = getelementptr {t}, ptr %A, i64 %o
  %vA = load {t}, ptr %pA, align {a}
  %pdx = getelementptr {t}, ptr %dx, i64 %c
  %vdx = load {t}, ptr %pdx, align {a}
  %m3 = fmul {t} %vA, %vdx
  %a3 = fadd {t} %accA, %m3
  br label %next
next:
  %acc1 = phi {t} [ %accA, %t2 ], [ %a3, %t3 ]
  %c1 = add i64 %c, 1
  br label %cols
row.end:
  %pdy = getelementptr {t}, ptr %dy, i64 %r
  %s = fmul {t} %alpha, %acc
  br i1 %beta0, label %store, label %scaled
scaled:
  %old = load {t}, ptr %pdy, align {a}
  %bo = fmul {t} %beta, %old
  %s2 = fadd {t} %s, %bo
  br label %store
store:
  %v = phi {t} [ %s, %row.end ], [ %s2, %scaled ]
  store {t} %v, ptr %pdy, align {a}
  %r1 = add i64 %r, 1
  br label %rows
exit:
  ret void
}}
"""

_GEMV_ADJOINT = """
define internal void @{name}(i64 %R, i64 %C, i64 %sr, i64 %sc, {t} %alpha, {t} %beta, ptr %A, ptr %dA, ptr %x, ptr %dx, ptr %g) {{
entry:
  %beta0 = fcmp oeq {t} %beta, 0.0
  %dA.null = icmp eq ptr %dA, null
  %dx.null = icmp eq ptr %dx, null
  br label %rows
rows:
  %r = phi i64 [ 0, %entry ], [ %r1, %row.end ]
  %rdone = icmp sge i64 %r, %R
  br i1 %rdone, label %exit, label %row
row:
  %pg = getelementptr {t}, ptr %g, i64 %r
  %gr = load {t}, ptr %pg, align {a}
  %ag = fmul {t} %alpha, %gr
  br label %cols
cols:
  %c = phi i64 [ 0, %row ], [ %c1, %next ]
  %cdone = icmp sge i64 %c, %C
  br i1 %cdone, label %row.end, label %body
body:
  %or = mul i64 %r, %sr
  %oc = mul i64 %c, %sc
  %o = add i64 %or, %oc
  br i1 %dA.null, label %t2, label %t1
t1:
  %px = getelementptr {t}, ptr %x, i64 %c
  %vx = load {t}, ptr %px, align {a}
  %pdA = getelementptr {t}, ptr %dA, i64 %o
  %vdA = load {t}, ptr %pdA, align {a}
  %m1 = fmul {t} %ag, %vx
  %n1 = fadd {t} %vdA, %m1
  store {t} %n1, ptr %pdA, align {a}
  br label %t2
t2:
  br i1 %dx.null, label %next, label %t3
t3:
  %pA = getelementptr {t}, ptr %A, i64 %o
  %vA = load {t}, ptr %pA, align {a}
  %pdx = getelementptr {t}, ptr %dx, i64 %c
  %vdx = load {t}, ptr %pdx, align {a}
  %m3 = fmul {t} %ag, %vA
  %n3 = fadd {t} %vdx, %m3
  store {t} %n3, ptr %pdx, align {a}
  br label %next
next:
  %c1 = add i64 %c, 1
  br label %cols
row.end:
  %bg = fmul {t} %beta, %gr
  %ng = select i1 %beta0, {t} 0.0, {t} %bg
  store {t} %ng, ptr %pg, align {a}
  %r1 = add i64 %r, 1
  br label %rows
exit:
  ret void
}}
"""

_GEMM_HEAD = """
define internal void @{name}(i64 %M, i64 %N, i64 %K, i64 %ai, i64 %al, i64 %bl, i64 %bj, i64 %ldc, {t} %alpha, {t} %beta, ptr %A, ptr %dA, ptr %B, ptr %dB, ptr %C) {{
entry:
  %beta0 = fcmp oeq {t} %beta, 0.0
  %dA.null = icmp eq ptr %dA, null
  %dB.null = icmp eq ptr %dB, null
  br label %cols
cols:
  %j = phi i64 [ 0, %entry ], [ %j1, %col.end ]
  %jdone = icmp sge i64 %j, %N
  br i1 %jdone, label %exit, label %rows
rows:
  %i = phi i64 [ 0, %cols ], [ %i1, %row.end ]
  %idone = icmp sge i64 %i, %M
  br i1 %idone, label %col.end, label %row
row:
  %oc.j = mul i64 %j, %ldc
  %oc = add i64 %i, %oc.j
  %pc = getelementptr {t}, ptr %C, i64 %oc
  %oa.i = mul i64 %i, %ai
  %ob.j = mul i64 %j, %bj
{row}
  br label %inner
inner:
  %l = phi i64 [ 0, %row ], [ %l1, %next ]
{acc_phi}
  %ldone = icmp sge i64 %l, %K
  br i1 %ldone, label %row.end, label %body
body:
  %oa.l = mul i64 %l, %al
  %oa = add i64 %oa.i, %oa.l
  %ob.l = mul i64 %l, %bl
  %ob = add i64 %ob.l, %ob.j
  br i1 %dA.null, label %t2, label %t1
t1:
{t1}
  br label %t2
t2:
{t2_phi}
  br i1 %dB.null, label %next, label %t3
t3:
{t3}
  br label %next
next:
{next_phi}
  %l1 = add i64 %l, 1
  br label %inner
row.end:
{row_end}
  %i1 = add i64 %i, 1
  br label %rows
col.end:
  %j1 = add i64 %j, 1
  br label %cols
exit:
  ret void
}}
"""

# dC(i, j) = alpha sum_l (dA(i, l) B(l, j) + A(i, l) dB(l, j)) + beta dC(i, j)
_GEMM_TANGENT = dict(
    row="",
    acc_phi="  %acc = phi {t} [ 0.0, %row ], [ %acc1, %next ]",
    t1="""  %pdA = getelementptr {t}, ptr %dA, i64 %oa
  %vdA = load {t}, ptr %pdA, align {a}
  %pB = getelementptr {t}, ptr %B, i64 %ob
  %vB = load {t}, ptr %pB, align {a}
  %m1 = fmul {t} %vdA, %vB
  %a1 = fadd {t} %acc, %m1""",
    t2_phi="  %accA = phi {t} [ %acc, %body ], [ %a1, %t1 ]",
    t3="""  %pA = getelementptr {t}, ptr %A, i64 %oa
  %vA = load {t}, ptr %pA, align {a}
  %pdB = getelementptr {t}, ptr %dB, i64 %ob
  %vdB = load {t}, ptr %pdB, align {a}
  %m3 = fmul {t} %vA, %vdB
  %a3 = fadd {t} %accA, %m3""",
    next_phi="  %acc1 = phi {t} [ %accA, %t2 ], [ %a3, %t3 ]",
    row_end="""  %s = fmul {t} %alpha, %acc
  %old = load {t}, ptr %pc, align {a}
  %bo = fmul {t} %beta, %old
  %s2 = fadd {t} %s, %bo
  %v = select i1 %beta0, {t} %s, {t} %s2
  store {t} %v, ptr %pc, align {a}""",
)

# dA(i, l) += alpha G(i, j) B(l, j), dB(l, j) += alpha A(i, l) G(i, j), G(i, j) *= beta
_GEMM_ADJOINT = dict(
    row="""  %g = load {t}, ptr %pc, align {a}
  %ag = fmul {t} %alpha, %g""",
    acc_phi="",
    t1="""  %pB = getelementptr {t}, ptr %B, i64 %ob
  %vB = load {t}, ptr %pB, align {a}
  %pdA = getelementptr {t}, ptr %dA, i64 %oa
  %vdA = load {t}, ptr %pdA, align {a}
  %m1 = fmul {t} %ag, %vB
  %n1 = fadd {t} %vdA, %m1
  store {t} %n1, ptr %pdA, align {a}""",
    t2_phi="",
    t3="""  %pA = getelementptr {t}, ptr %A, i64 %oa
  %vA = load {t}, ptr %pA, align {a}
  %pdB = getelementptr {t}, ptr %dB, i64 %ob
  %vdB = load {t}, ptr %pdB, align {a}
  %m3 = fmul {t} %ag, %vA
  %n3 = fadd {t} %vdB, %m3
  store {t} %n3, ptr %pdB, align {a}""",
    next_phi="",
    row_end="""  %bg = fmul {t} %beta, %g
  %ng = select i1 %beta0, {t} 0.0, {t} %bg
  store {t} %ng, ptr %pc, align {a}""",
)


def _gemm(parts):
    return _GEMM_HEAD.replace("{row}", parts["row"]).replace(
        "{acc_phi}", parts["acc_phi"]).replace("{t1}", parts["t1"]).replace(
        "{t2_phi}", parts["t2_phi"]).replace("{t3}", parts["t3"]).replace(
        "{next_phi}", parts["next_phi"]).replace("{row_end}", parts["row_end"])


_TEMPLATES = {"dot": _DOT, "axpy": _AXPY, "gather": _GATHER,
              "gemv_tangent": _GEMV_TANGENT, "gemv_adjoint": _GEMV_ADJOINT,
              "gemm_tangent": _gemm(_GEMM_TANGENT), "gemm_adjoint": _gemm(_GEMM_ADJOINT)}


def blas_helper(b, op: str, kind: str):
    """The helper `op` for BLAS kind `kind` ('d' or 's'), added to the module on first
    use."""
    t, align = TYPES[kind]
    name = f"__enzyme_compat_numba_{op}_{kind}"
    return b.helper(name, _TEMPLATES[op].format(name=name, t=t, a=align))
