"""numba's runtime for the AD engine (for `enzyme_compat.numba`).

Code numba compiles calls its runtime for reference counting (`NRT_incref`/`NRT_decref`,
linked into the module with bodies), memory management (`NRT_MemInfo_*`, `NRT_Free`,
...), exceptions (`numba_do_raise`, `numba_runtime_build_excinfo_struct`, ...) and the
GIL. None of these compute with the floats being differentiated: they are registered
here as data, through the same hook any plugin uses. Names ending in `*` are prefixes.
Reference counting has rules instead of being inactive: in forward mode each
`NRT_incref`/`NRT_decref` of a MemInfo with a shadow is repeated on the shadow, so a
temporary's tangent array lives exactly as long as the array; in reverse mode they touch
the primal only.

Arrays created inside a function (`np.zeros(n)`, `a * b`, `np.tanh(a)`) are allocated by
`NRT_MemInfo_alloc*`, which returns a MemInfo header (refct, dtor, dtor_info, data, size,
...) whose `data` field, 24 bytes in, points to the array's bytes; numba reads it with a
load of that field (`NRT_MemInfo_data_fast`, defined in the module, is left active so that
the load is differentiated when it is not inlined). These allocators are registered as
allocation-like with `data_field=24`: the shadow is a MemInfo from the same allocator
with its data zeroed, so a load of the shadow header's field is the shadow data. The
shadow goes back through `NRT_MemInfo_call_dtor` at the allocation in the reverse sweep
(after every use of the shadow); in forward mode it goes through the mirrored
`NRT_decref` that releases the array.
Raw buffers from `NRT_Allocate` (the copy a slice assignment makes of a source that may
overlap its destination) are malloc-like, released by `NRT_Free`.

numba's helper library also computes some math functions itself (`math.gamma` calls
`numba_gamma`): those get the derivative of the C library function they implement.

With scipy installed numba compiles `np.dot` of two vectors, matrix-vector and matrix-
matrix products (`A @ x`, `x @ A`, `A @ B`, `np.dot`) and `np.linalg.norm` of a vector to
calls of its BLAS wrappers, declarations in the module whose results go through pointers:
`numba_xxdot(kind, conj, n, x, y, out)` (*out = x.y, unit strides),
`numba_xxgemv(kind, trans, m, n, &alpha, a, lda, x, &beta, y)` (y = alpha op(A) x +
beta y, A column-major m x n, op transposing for trans 't'),
`numba_xxgemm(kind, transa, transb, m, n, k, &alpha, a, lda, b, ldb, &beta, c, ldc)` (C =
alpha op(A) op(B) + beta C, column-major) and `numba_xxnrm2(kind, n, x, incx, out)`.
Their rules (kinds 'd' and 's') are plain loops (`_numba_blas.py`): the tangent goes into
the shadow of the result; reverse mode keeps a copy of the operands (and alpha, beta, the
norm) taken at the call in the forward sweep, reads them in the reverse sweep (dx += dz y,
dy += dz x; dA += alpha dy x^T, dx += alpha op(A)^T dy, dy *= beta; dA += alpha dC
op(B)^T, dB += alpha op(A)^T dC, dC *= beta; dx += dz x / |x|) and frees them. alpha and
beta are constants (numba passes 1 and 0). Complex kinds are refused naming the call, as
is LAPACK (`numba_xxgetrf`, ...: np.linalg.solve, inv, det), which has no rule.
"""

from enzyme_compat.ad.builder import TangentBuilder, float_constant
from enzyme_compat.ad.errors import UnsupportedInstructionError
from enzyme_compat.ad.hookspecs import ad_hookimpl
from enzyme_compat.ad.rules import AllocationLike, reverse_rules, rules
from enzyme_compat.ir import instructions as I
from enzyme_compat.ir.types import DOUBLE, FLOAT, I1, I64, VOID, PointerType
from enzyme_compat.ir.values import ConstantInt, ConstantNull
from enzyme_compat_plugins.rules_libm import d_lgamma, d_tgamma

try:  # the installed package (enzyme_compat_plugins), or this folder on sys.path
    from ._numba_blas import TYPES, blas_helper
except ImportError:
    from _numba_blas import TYPES, blas_helper

NUMBA_RUNTIME = (
    "NRT_MemInfo_acquire", "NRT_MemInfo_release",
    "NRT_MemInfo_destroy", "NRT_MemInfo_dump", "NRT_MemInfo_init", "NRT_MemInfo_parent",
    "NRT_MemInfo_refcount", "NRT_MemInfo_size", "NRT_MemInfo_external_allocator",
    "NRT_MemInfo_new*", "NRT_MemInfo_varsize_*", "NRT_MemInfo_alloc_dtor*",
    "NRT_MemInfo_alloc_external",
    "NRT_adapt_*", "NRT_meminfo_*", "NRT_dealloc", "NRT_Reallocate*", "nrt_*",
    "numba_do_raise", "numba_runtime_build_excinfo_struct", "numba_unpickle",
    "numba_gil_ensure", "numba_gil_release", "numba_fatal_error",
    "numba_attempt_nocopy_reshape", "numba_get_np_random_state",
    "llvm.x86.atomic.*", "PyErr_*", "PyGILState_*",
)


@ad_hookimpl
def enzyme_compat_inactive_functions():
    return NUMBA_RUNTIME


# the MemInfo's `data` field: after refct (size_t), dtor and dtor_info (pointers)
MEMINFO_DATA_OFFSET = 24
# allocators of a MemInfo with a fresh data payload: (name, index of the size argument)
NUMBA_ALLOCATORS = (
    ("NRT_MemInfo_alloc", 0), ("NRT_MemInfo_alloc_safe", 0),
    ("NRT_MemInfo_alloc_aligned", 0), ("NRT_MemInfo_alloc_safe_aligned", 0),
    ("NRT_MemInfo_alloc_safe_aligned_external", 0),
)


# raw buffers (a slice assignment copies a source that may overlap its destination into
# one first): malloc-like, released by NRT_Free
NUMBA_BUFFERS = (("NRT_Allocate", 0), ("NRT_Allocate_External", 0))


@ad_hookimpl
def enzyme_compat_allocation_functions():
    return [AllocationLike(name, (size,), "NRT_MemInfo_call_dtor", MEMINFO_DATA_OFFSET)
            for name, size in NUMBA_ALLOCATORS] + \
        [AllocationLike(name, (size,), "NRT_Free") for name, size in NUMBA_BUFFERS]


# numba helper -> the derivative of the libm function it implements (double precision)
NUMBA_MATH = {"numba_gamma": d_tgamma, "numba_lgamma": d_lgamma}


def _mirrored(b, args, dargs):
    """The same reference count operation on the shadow MemInfo, so that a temporary's
    tangent array is released with the array (forward mode)."""
    if dargs[0] is not None:
        b.clone([dargs[0]])
    return None


# reference counting: mirrored in forward mode; in reverse mode the primal's count alone
# (a shadow is released by NRT_MemInfo_call_dtor at its allocation in the reverse sweep)
NUMBA_REFCOUNT = {"NRT_incref": _mirrored, "NRT_decref": _mirrored}


# ------------------------------------------------------------------ BLAS
PTR = PointerType(None)
FLOATS = {"d": DOUBLE, "s": FLOAT}


def _kind(b, args):
    """'d' or 's' from the call's constant kind argument; anything else is refused."""
    name = b.inst.callee.name
    if not b.fs.module.uses_opaque_pointers:
        b.error(UnsupportedInstructionError, f"@{name}: BLAS derivatives need a module "
                "with opaque pointers (llvmlite 0.45 and later)")
    k = args[0]
    kind = chr(k.value) if isinstance(k, ConstantInt) and 0 < k.value < 128 else None
    if kind not in TYPES:
        what = f"BLAS kind {kind!r}" if kind else "a BLAS kind that is not a constant"
        b.error(UnsupportedInstructionError, f"@{name} of {what} has no derivative rule "
                "(float64 and float32 arrays only: complex arrays are not differentiated)")
    return kind


def _null():
    return ConstantNull(PTR)


def _zero(kind):
    return float_constant(FLOATS[kind], 0.0)


def _load(b, kind, ptr):
    return b.emit(I.Load(FLOATS[kind], [ptr], align=TYPES[kind][1]))


def _store(b, kind, value, ptr):
    b.emit(I.Store([value, ptr], align=TYPES[kind][1]))


def _at(b, kind, base, k):
    """&base[k] for elements of `kind`."""
    return b.emit(I.GetElementPtr(PTR, FLOATS[kind], [base, k]))


def _slot(b, block, k):
    """The k-th 8-byte slot of a kept block (a scalar of either kind, or where the
    elements start)."""
    return b.emit(I.GetElementPtr(PTR, DOUBLE, [block, ConstantInt(I64, k)]))


def _bytes(b, kind, n):
    return b.binop("mul", n, ConstantInt(I64, TYPES[kind][1]))


def _memcpy(b, dst, src, size):
    b.intrinsic("memcpy", [PTR, PTR, I64], VOID, [dst, src, size, ConstantInt(I1, 0)])


def _over_norm(b, kind, s, r):
    """s / r, 0 where r is 0 (the norm of a zero vector: the zero subgradient)."""
    q = b.fdiv(s, r)
    return b.select(b.fcmp("oeq", r, _zero(kind)), _zero(kind), q)


def _gemv_shape(b, args):
    """(R, C, sr, sc): output length, input length and the matrix's element strides
    along them, from trans, m, n and lda."""
    t = args[1]
    trans = chr(t.value).lower() if isinstance(t, ConstantInt) and 0 < t.value < 128 else None
    if trans not in ("n", "t", "c"):
        b.error(UnsupportedInstructionError, f"@{b.inst.callee.name}: the transposition "
                f"flag {t} is not 'n' or 't'")
    one = ConstantInt(I64, 1)
    m, n, lda = args[2], args[3], args[6]
    return (m, n, one, lda) if trans == "n" else (n, m, lda, one)


def _span(b, m, n, lda):
    """Elements the column-major m x n matrix with leading dimension lda spans."""
    s = b.binop("add", b.binop("mul", lda, b.binop("sub", n, ConstantInt(I64, 1))), m)
    empty = b.emit(I.Compare("icmp", I1, [s, ConstantInt(I64, 0)], "slt"))
    return b.select(empty, ConstantInt(I64, 0), s)


# forward mode: tangent(b, args, dargs) stores the result's tangent into its shadow
def _dot_tangent(b, a, d):
    if d[5] is None:
        return None
    kind = _kind(b, a)
    one, t = ConstantInt(I64, 1), None
    for k in (3, 4):
        if d[k] is not None:
            u, v = (d[3], a[4]) if k == 3 else (a[3], d[4])
            t = b.fadd(t, b.call(blas_helper(b, "dot", kind), [a[2], u, one, v, one]))
    _store(b, kind, t if t is not None else _zero(kind), d[5])
    return None


def _gemv_tangent(b, a, d):
    if d[9] is None:
        return None
    kind = _kind(b, a)
    R, C, sr, sc = _gemv_shape(b, a)
    alpha, beta = _load(b, kind, a[4]), _load(b, kind, a[8])
    b.call(blas_helper(b, "gemv_tangent", kind),
           [R, C, sr, sc, alpha, beta, a[5], d[5] or _null(), a[7], d[7] or _null(), d[9]])
    return None


def _nrm2_tangent(b, a, d):
    if d[4] is None:
        return None
    kind = _kind(b, a)
    t = _zero(kind)
    if d[2] is not None:
        s = b.call(blas_helper(b, "dot", kind), [a[1], a[2], a[3], d[2], a[3]])
        t = _over_norm(b, kind, s, _load(b, kind, a[4]))
    _store(b, kind, t, d[4])
    return None


# reverse mode: a block the forward sweep fills at the call, read and freed in the reverse
# sweep (the operands may change between the call and its adjoint)
def _kept(gs):
    return gs.__dict__.setdefault("_numba_blas_kept", {})


def _reverse(keep, adjoint):
    """A reverse rule: `keep(b, args, shadows)` returns the malloc'd block the forward
    sweep keeps for this call (None: nothing to differentiate); `adjoint(rb, kind, args,
    block)` reads it back in the reverse sweep, and the block is freed after it."""
    def forward(gs, inst, c, nb):
        b = TangentBuilder(gs, inst, c, nb)
        kind = _kind(b, c.args)
        shadows = [gs.shadow.get(x) for x in inst.args]
        block = keep(b, kind, c.args, shadows)
        if block is not None:
            _kept(gs)[inst] = (kind, block)

    def rule(rb, a, dy):
        found = _kept(rb.gs).get(rb.inst)
        if found is not None:
            kind, block = found
            block = rb.gs.fwd(block)
            adjoint(rb, kind, a, block)
            rb.libcall("free", VOID, [block])
        return [None] * len(a)

    rule.forward = forward
    return rule


def _dot_keep(b, kind, a, s):
    if s[5] is None or (s[3] is None and s[4] is None):
        return None
    n = a[2]
    block = b.libcall("malloc", PTR, [_bytes(b, kind, b.binop("mul", n, ConstantInt(I64, 2)))])
    _memcpy(b, block, a[3], _bytes(b, kind, n))
    _memcpy(b, _at(b, kind, block, n), a[4], _bytes(b, kind, n))
    return block


def _dot_adjoint(rb, kind, a, block):
    """dx += dz y, dy += dz x (the copies), dz = 0."""
    dz_ptr, n, one = rb.shadow(5), a[2], ConstantInt(I64, 1)
    dz = _load(rb, kind, dz_ptr)
    _store(rb, kind, _zero(kind), dz_ptr)
    for k in (3, 4):
        sk = rb.shadow(k)
        if sk is not None:
            other = _at(rb, kind, block, n) if k == 3 else block
            rb.call(blas_helper(rb, "axpy", kind), [n, dz, other, one, sk, one])


# the gemv block: alpha and beta (a slot of 8 bytes each), A's span, then x
def _gemv_keep(b, kind, a, s):
    if s[9] is None or (s[5] is None and s[7] is None):
        return None
    R, C, sr, sc = _gemv_shape(b, a)
    span = _span(b, a[2], a[3], a[6])
    size = b.binop("add", ConstantInt(I64, 16), _bytes(b, kind, b.binop("add", span, C)))
    block = b.libcall("malloc", PTR, [size])
    _store(b, kind, _load(b, kind, a[4]), block)
    _store(b, kind, _load(b, kind, a[8]), _slot(b, block, 1))
    mat = _slot(b, block, 2)
    _memcpy(b, mat, a[5], _bytes(b, kind, span))
    _memcpy(b, _at(b, kind, mat, span), a[7], _bytes(b, kind, C))
    return block


def _gemv_adjoint(rb, kind, a, block):
    R, C, sr, sc = _gemv_shape(rb, a)
    alpha = _load(rb, kind, block)
    beta = _load(rb, kind, _slot(rb, block, 1))
    mat = _slot(rb, block, 2)
    x = _at(rb, kind, mat, _span(rb, a[2], a[3], a[6]))
    rb.call(blas_helper(rb, "gemv_adjoint", kind),
            [R, C, sr, sc, alpha, beta, mat, rb.shadow(5) or _null(), x,
             rb.shadow(7) or _null(), rb.shadow(9)])


# the nrm2 block: the norm (an 8-byte slot), then x gathered contiguously
def _nrm2_keep(b, kind, a, s):
    if s[4] is None or s[2] is None:
        return None
    n = a[1]
    block = b.libcall("malloc", PTR, [b.binop("add", ConstantInt(I64, 8), _bytes(b, kind, n))])
    _store(b, kind, _load(b, kind, a[4]), block)
    x = _slot(b, block, 1)
    b.call(blas_helper(b, "gather", kind), [n, a[2], a[3], x])
    return block


def _nrm2_adjoint(rb, kind, a, block):
    """dx += dz x / |x|, dz = 0."""
    dz_ptr = rb.shadow(4)
    dz = _load(rb, kind, dz_ptr)
    _store(rb, kind, _zero(kind), dz_ptr)
    scale = _over_norm(rb, kind, dz, _load(rb, kind, block))
    x = _slot(rb, block, 1)
    rb.call(blas_helper(rb, "axpy", kind), [a[1], scale, x, ConstantInt(I64, 1),
                                            rb.shadow(2), a[3]])


def _trans(b, flag):
    """Whether BLAS transposition flag `flag` (a constant 'n' or 't') transposes."""
    t = chr(flag.value).lower() if isinstance(flag, ConstantInt) and 0 < flag.value < 128 \
        else None
    if t not in ("n", "t", "c"):
        b.error(UnsupportedInstructionError, f"@{b.inst.callee.name}: the transposition "
                f"flag {flag} is not 'n' or 't'")
    return t != "n"


def _gemm_shape(b, args):
    """(M, N, K, ai, al, bl, bj, ldc) and each operand's stored (rows, cols, ld): op(A)
    is M x K, op(B) K x N, element (i, l) of op(A) at A[i*ai + l*al], (l, j) of op(B) at
    B[l*bl + j*bj]."""
    one = ConstantInt(I64, 1)
    M, N, K, lda, ldb, ldc = args[3], args[4], args[5], args[8], args[10], args[13]
    ta, tb = _trans(b, args[1]), _trans(b, args[2])
    ai, al, sa = (lda, one, (K, M, lda)) if ta else (one, lda, (M, K, lda))
    bl, bj, sb = (ldb, one, (N, K, ldb)) if tb else (one, ldb, (K, N, ldb))
    return (M, N, K, ai, al, bl, bj, ldc), sa, sb


def _gemm_tangent(b, a, d):
    if d[12] is None:
        return None
    kind = _kind(b, a)
    dims, _, _ = _gemm_shape(b, a)
    alpha, beta = _load(b, kind, a[6]), _load(b, kind, a[11])
    b.call(blas_helper(b, "gemm_tangent", kind),
           [*dims, alpha, beta, a[7], d[7] or _null(), a[9], d[9] or _null(), d[12]])
    return None


# the gemm block: alpha, beta, A's span, then B's span
def _gemm_keep(b, kind, a, s):
    if s[12] is None or (s[7] is None and s[9] is None):
        return None
    _, sa, sb = _gemm_shape(b, a)
    na, nb = _span(b, *sa), _span(b, *sb)
    size = b.binop("add", ConstantInt(I64, 16), _bytes(b, kind, b.binop("add", na, nb)))
    block = b.libcall("malloc", PTR, [size])
    _store(b, kind, _load(b, kind, a[6]), block)
    _store(b, kind, _load(b, kind, a[11]), _slot(b, block, 1))
    mat = _slot(b, block, 2)
    _memcpy(b, mat, a[7], _bytes(b, kind, na))
    _memcpy(b, _at(b, kind, mat, na), a[9], _bytes(b, kind, nb))
    return block


def _gemm_adjoint(rb, kind, a, block):
    dims, sa, _ = _gemm_shape(rb, a)
    alpha, beta = _load(rb, kind, block), _load(rb, kind, _slot(rb, block, 1))
    mat = _slot(rb, block, 2)
    rb.call(blas_helper(rb, "gemm_adjoint", kind),
            [*dims, alpha, beta, mat, rb.shadow(7) or _null(), _at(rb, kind, mat, _span(rb, *sa)),
             rb.shadow(9) or _null(), rb.shadow(12)])


NUMBA_BLAS = {  # name: (tangent, reverse rule)
    "numba_xxdot": (_dot_tangent, _reverse(_dot_keep, _dot_adjoint)),
    "numba_xxgemv": (_gemv_tangent, _reverse(_gemv_keep, _gemv_adjoint)),
    "numba_xxnrm2": (_nrm2_tangent, _reverse(_nrm2_keep, _nrm2_adjoint)),
    "numba_xxgemm": (_gemm_tangent, _reverse(_gemm_keep, _gemm_adjoint)),
}


@ad_hookimpl
def enzyme_compat_forward_rules():
    return rules("function", NUMBA_MATH) + rules("function", NUMBA_REFCOUNT) + \
        rules("function", {name: t for name, (t, _) in NUMBA_BLAS.items()})


@ad_hookimpl
def enzyme_compat_reverse_rules():
    return reverse_rules("function", dict.fromkeys(NUMBA_REFCOUNT)) + \
        reverse_rules("function", {name: r for name, (_, r) in NUMBA_BLAS.items()})
