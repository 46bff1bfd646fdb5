"""Checks the reader makes as it goes, so malformed input is reported at its token
(the facts are LangRef's: valid predicates, casts, alignments, known attributes)."""

from __future__ import annotations

from .types import FloatType, IntType, PointerType, VectorType

ICMP_PREDICATES = frozenset({"eq", "ne", "ugt", "uge", "ult", "ule", "sgt", "sge", "slt", "sle"})
FCMP_PREDICATES = frozenset({"false", "oeq", "ogt", "oge", "olt", "ole", "one", "ord", "ueq",
                             "ugt", "uge", "ult", "ule", "une", "uno", "true"})
MAX_ALIGN = 1 << 32

# Every attribute keyword of LLVM 7..23 (parameter, return, function and call-site).
KNOWN_ATTRIBUTES = frozenset("""
align alignstack allocalign allockind allocptr allocsize alwaysinline argmemonly builtin
byref byval captures cold convergent coro_elide_safe coro_only_destroy_when_complete
dead_on_return dead_on_unwind denormal_fpenv dereferenceable dereferenceable_or_null
disable_sanitizer_instrumentation elementtype fn_ret_thunk_extern hot hybrid_patchable immarg
inaccessiblemem_or_argmemonly inaccessiblememonly inalloca initializes inlinehint inreg
jumptable memory minsize mustprogress naked nest noalias nobuiltin nocallback nocapture
nocf_check nocreateundeforpoison nodivergencesource noduplicate noext nofpclass nofree
noimplicitfloat noinline nomerge nonlazybind nonnull noprofile norecurse noredzone noreturn
nosanitize_bounds nosanitize_coverage nosync noundef nounwind null_pointer_is_valid
optdebug optforfuzzing optnone optsize preallocated presplitcoroutine range readnone
readonly returned returns_twice safestack sanitize_address sanitize_alloc_token
sanitize_hwaddress sanitize_memory sanitize_memtag sanitize_numerical_stability
sanitize_realtime sanitize_realtime_blocking sanitize_thread sanitize_type shadowcallstack
signext skipprofile speculatable speculative_load_hardening sret ssp sspreq sspstrong
strictfp swiftasync swifterror swiftself uwtable vscale_range willreturn writable writeonly
zeroext nooutline
""".split())

# Attributes that cannot be written without an argument.
NEEDS_ARGUMENT = frozenset({"align", "alignstack", "allocsize", "dereferenceable",
                            "dereferenceable_or_null", "memory", "captures", "range",
                            "initializes", "nofpclass", "allockind", "preallocated",
                            "elementtype", "byref", "denormal_fpenv"})


def alignment_error(n: int) -> str | None:
    if n <= 0 or n & (n - 1):
        return f"alignment {n} is not a power of two"
    if n > MAX_ALIGN:
        return f"alignment {n} is larger than the maximum (2^32)"
    return None


def _scalar(t):
    return t.elem if isinstance(t, VectorType) else t


def _bits(t):
    """Size in bits of a scalar or vector of scalars; None when unknown (pointers)."""
    if isinstance(t, VectorType):
        b = _bits(t.elem)
        return None if b is None or t.scalable else b * t.count
    if isinstance(t, (IntType, FloatType)):
        return t.bits
    return None


def cast_error(op: str, src, dst) -> str | None:
    """Why `op src to dst` is not a valid cast (None when it is)."""
    if isinstance(src, VectorType) != isinstance(dst, VectorType) and op != "bitcast":
        return "vector and scalar operands must match"
    if isinstance(src, VectorType) and isinstance(dst, VectorType) and op != "bitcast" and \
            src.count != dst.count:
        return "vector lengths must match"
    s, d = _scalar(src), _scalar(dst)
    kinds = {
        "trunc": (IntType, IntType, "gt"), "zext": (IntType, IntType, "lt"),
        "sext": (IntType, IntType, "lt"), "fptrunc": (FloatType, FloatType, "gt"),
        "fpext": (FloatType, FloatType, "lt"), "fptoui": (FloatType, IntType, None),
        "fptosi": (FloatType, IntType, None), "uitofp": (IntType, FloatType, None),
        "sitofp": (IntType, FloatType, None), "ptrtoint": (PointerType, IntType, None),
        "ptrtoaddr": (PointerType, IntType, None), "inttoptr": (IntType, PointerType, None),
        "addrspacecast": (PointerType, PointerType, None)}
    rule = kinds.get(op)
    if rule is not None:
        a, b, size = rule
        if not (isinstance(s, a) and isinstance(d, b)):
            return "invalid operand types"
        if size == "gt" and not s.bits > d.bits or size == "lt" and not s.bits < d.bits:
            return "source and destination sizes do not allow it"
        return None
    if op == "bitcast":
        if isinstance(s, PointerType) != isinstance(d, PointerType):
            return "bitcast between pointer and non-pointer types"
        bs, bd = _bits(src), _bits(dst)
        if bs is not None and bd is not None and bs != bd:
            return "bitcast requires types of the same size"
    return None
