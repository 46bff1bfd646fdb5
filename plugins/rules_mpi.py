"""MPI: derivatives of message passing, as rule data.

A call that moves floats between processes moves their derivatives too. Whether a call
does is decided from its datatype operand (`_FLOAT_TYPES`: Open MPI's `@ompi_mpi_double`,
MPICH's `MPI_DOUBLE` constant, ...); such a call *communicates* (`ForwardRule.communicates`):
its buffers get shadows on every process and its rules run even where nothing is active
locally, so the processes always agree on the messages exchanged. Datatypes, communicators
and reduction operations are passed through as the program gave them.

Forward mode: each communication is repeated on the shadows (a second message with the
same peer, tag and communicator, which MPI's non-overtaking order matches with the
primal's; the same collective on the shadows; a sum's tangent is the sum of tangents).
Nonblocking requests keep their shadow request in the shadow of the request variable;
Wait/Waitall wait for those too.

Reverse mode (the transposes): Send <-> Recv of the adjoint (a Send's buffer receives the
adjoint back and adds it into its shadow; a Recv sends its shadow back and zeroes it),
Allreduce(sum) <-> Allreduce(sum), Reduce(sum) <-> Bcast from the root, Bcast <->
Reduce(sum) to the root, Gather <-> Scatter (the root's receive adjoints scattered back
and added into the send shadows), Scatter <-> Gather (to the root's send shadow),
Allgather <-> Reduce_scatter_block(sum) (each process's block of the receive adjoints,
summed over processes), Barrier <-> Barrier; overwritten receive shadows are zeroed. An
Isend/Irecv leaves a request record (`_mpi_runtime.py`) in the shadow of its request; the
Wait that completes it moves the record onto the tape; in the reverse sweep the Wait
starts the reversed communication and the Isend/Irecv completes it.

Refused with a located error: reductions other than MPI_SUM and MPI_IN_PLACE on active
data, datatypes not recognised as float or integer on active buffers, collectives and
point-to-point calls without a rule here (Sendrecv, Allgatherv, Alltoall, ...) whose
datatype is a float, and modules with typed pointers.
"""

from __future__ import annotations

from enzyme_compat.ad.abi import strip_casts
from enzyme_compat.ad.errors import UnsupportedInstructionError
from enzyme_compat.ad.hookspecs import ad_hookimpl
from enzyme_compat.ad.rules import ForwardRule, ReverseRule
from enzyme_compat.ir import instructions as I
from enzyme_compat.ir.module import Function, GlobalVariable
from enzyme_compat.ir.types import I1, I8, I32, I64, VOID, FunctionType
from enzyme_compat.ir.values import ConstantExpr, ConstantInt, ConstantNull

try:  # the plugin's helpers live next to it (an installed `enzyme_compat_plugins`)
    from . import _mpi_runtime as rt
except ImportError:  # pragma: no cover - loaded as a top-level module
    import _mpi_runtime as rt

# Datatypes by the operand the program passes: a global's name (Open MPI) or an integer
# constant (MPICH's mpi.h values).
_FLOAT_TYPES = {"ompi_mpi_double": "double", "ompi_mpi_float": "float",
                0x4c00080b: "double", 0x4c00040a: "float"}
_INTEGER_TYPES = {"ompi_mpi_" + n for n in (
    "int", "unsigned", "long", "unsigned_long", "long_long_int", "long_long",
    "unsigned_long_long", "short", "unsigned_short", "char", "unsigned_char", "signed_char",
    "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t",
    "uint64_t", "c_bool", "cxx_bool", "aint", "offset", "count")} | {
    0x4c000405, 0x4c000406, 0x4c000807, 0x4c000808, 0x4c000101, 0x4c000102}
_SUM_OPS = {"ompi_mpi_op_sum", 0x58000003}
_SIZES = {"double": 8, "float": 4}

# MPI calls that carry data and have no rule here: refused when their datatype is a float
_REFUSED = ("MPI_Sendrecv", "MPI_Sendrecv_replace", "MPI_Ssend", "MPI_Bsend", "MPI_Rsend",
            "MPI_Issend", "MPI_Allgatherv", "MPI_Gatherv", "MPI_Scatterv",
            "MPI_Alltoall", "MPI_Alltoallv", "MPI_Scan", "MPI_Exscan",
            "MPI_Reduce_scatter", "MPI_Iallreduce", "MPI_Ibcast", "MPI_Ireduce",
            "MPI_Put", "MPI_Get", "MPI_Accumulate", "MPI_Sendrecv", "MPI_Test",
            "MPI_Testall", "MPI_Waitany", "MPI_Waitsome", "MPI_Request_free")

INACTIVE = ["MPI_Init", "MPI_Init_thread", "MPI_Finalize", "MPI_Initialized",
            "MPI_Finalized", "MPI_Comm_rank", "MPI_Comm_size", "MPI_Comm_dup",
            "MPI_Comm_split", "MPI_Comm_free", "MPI_Abort", "MPI_Wtime", "MPI_Wtick",
            "MPI_Get_count", "MPI_Get_processor_name", "MPI_Type_size",
            "MPI_Error_string", "MPI_Query_thread", "MPI_Get_version"]


# ------------------------------------------------------------------ operand facts
def _constant_key(v):
    v = strip_casts(v)
    if isinstance(v, GlobalVariable):
        return v.name
    if isinstance(v, ConstantInt):
        return v.value
    return None


def datatype(call, k):
    """'double'/'float' for a float datatype at argument k, 'int' for an integer one,
    None when it is not recognised."""
    key = _constant_key(call.args[k])
    if key in _FLOAT_TYPES:
        return _FLOAT_TYPES[key]
    return "int" if key in _INTEGER_TYPES else None


def _error(b, message):
    b.error(UnsupportedInstructionError, f"@{b.inst.callee.name}: {message}")


def _elem(b, k, buffers):
    """The float type of the datatype at argument k; None for integers (no derivative).
    An unrecognised datatype on an active buffer is refused, as is a module with typed
    pointers."""
    _check_opaque(b)
    kind = datatype(b.inst, k)
    if kind in _SIZES or kind == "int":
        return None if kind == "int" else kind
    if any(_shadow(b, i) is not None for i in buffers):
        _error(b, "the datatype is not recognised as a float or an integer type, and the "
               "buffer carries derivatives (derived datatypes are not supported)")
    return None


def _check_opaque(b):
    if not b.fs.module.uses_opaque_pointers:
        _error(b, "MPI derivatives need a module with opaque pointers (LLVM >= 15)")


def _is_in_place(v):
    v = strip_casts(v)
    return isinstance(v, ConstantExpr) and v.opcode == "inttoptr"


def _check_sum(b, k, buffers):
    if _constant_key(b.inst.args[k]) not in _SUM_OPS:
        _error(b, "only MPI_SUM reductions of floats have a derivative")
    for i in buffers:
        if _is_in_place(b.inst.args[i]):
            _error(b, "MPI_IN_PLACE is not supported on data with derivatives")


def _shadow(b, i):
    """The shadow of pointer argument i (forward mode: its tangent; reverse: rb.shadow)."""
    if hasattr(b, "shadow"):
        return b.shadow(i)
    return b.fs.tangent(b.inst.args[i])


def communicates(buffers, dt_index):
    """`ForwardRule.communicates` of a call moving `buffers` of the datatype at dt_index."""
    def which(call):
        return buffers if datatype(call, dt_index) in _SIZES else None
    return which


def _refused_communicates(call):
    for k in range(len(call.args)):
        if datatype(call, k) in _SIZES:
            return ()
    return None


# ----------------------------------------------------------------------- emitting
def _i64(b, v):
    return v if v.type == I64 else b.cast("sext", I64, v)


def _bytes(b, count, elem):
    return b.binop("mul", _i64(b, count), ConstantInt(I64, _SIZES[elem]))


def _scratch(b, nbytes):
    """Zeroed heap memory: 128 bytes of room (a status, an op, a rank) then `nbytes`."""
    total = b.binop("add", nbytes, ConstantInt(I64, 128))
    return b.libcall("calloc", b.inst.args[0].type, [total, ConstantInt(I64, 1)])


def _at(b, p, offset):
    return b.emit(I.GetElementPtr(p.type, I8, [p, ConstantInt(I64, offset)],
                                  flags=["inbounds"]))


def _free(b, p):
    b.libcall("free", VOID, [p])


def mpi(b, name, args, ret=I32):
    """A call of the MPI function `name` (the program's declaration when it has one)."""
    f = b.fs.module.symbols.get(name)
    if not isinstance(f, Function):
        f = b.fs.declare(name, FunctionType(ret, [a.type for a in args]))
    return b.call(f, args)


def _function(b, name, like):
    """The function `@name` as a value (declared like the call `like` when missing)."""
    f = b.fs.module.symbols.get(name)
    if isinstance(f, Function):
        return f
    return b.fs.declare(name, FunctionType(I32, [a.type for a in like]))


def _add(b, dst, src, count, elem):
    b.call(rt.add_fn(b, elem), [dst, src, _i64(b, count)])


def _zero(b, p, nbytes):
    b.intrinsic("memset", [p.type, I64], VOID, [p, ConstantInt(I8, 0), nbytes,
                                               ConstantInt(I1, 0)])


def _rank_is(b, root, comm, scratch):
    slot = _at(b, scratch, 72)
    mpi(b, "MPI_Comm_rank", [comm, slot])
    rank = b.emit(I.Load(I32, [slot], align=4))
    return b.emit(I.Compare("icmp", I1, [rank, root], "eq"))


def _sum_op(b, scratch, elem):
    """A user-defined MPI_SUM for `elem` (MPI_Op_create; the program's op handle type is
    not needed): its handle's address in the scratch memory."""
    slot = _at(b, scratch, 64)
    mpi(b, "MPI_Op_create", [rt.sum_op_fn(b, elem), ConstantInt(I32, 1), slot])
    return slot


def _buffer_or_scratch(b, i, nbytes):
    """The shadow of buffer argument i, or zeroed scratch memory (freed by the caller)."""
    s = _shadow(b, i)
    if s is not None:
        return s, None
    tmp = _scratch(b, nbytes)
    return _at(b, tmp, 128), tmp


# ------------------------------------------------------------------- forward mode
def fwd_p2p(buf, count, dt, status=None):
    """Send/Recv (and, with a request argument, Isend/Irecv): the same call on the
    shadow (zeros when the buffer has none)."""
    def tangent(b, a, d):
        elem = _elem(b, dt, [buf])
        if elem is None:
            return None
        nbytes = _bytes(b, a[count], elem)
        args = list(a)
        args[buf], tmp = _buffer_or_scratch(b, buf, nbytes)
        if status is not None:  # a nonblocking call: the shadow request
            if d[status] is None:
                _error(b, "the request has no shadow (keep it in a local variable or array)")
            if tmp is not None:
                _error(b, "nonblocking communication of memory without a shadow")
            args[status] = d[status]
        b.clone(args)
        if tmp is not None:
            _free(b, tmp)
        return None
    return tangent


def fwd_wait(reqs, n=None):
    """Wait/Waitall: also wait for the shadow requests (those not null)."""
    def tangent(b, a, d):
        dreq = d[reqs]
        if dreq is None:
            return None
        count = a[n] if n is not None else ConstantInt(I32, 1)
        handle = "ptr"
        wait = _function(b, "MPI_Wait", [a[reqs], a[reqs]])
        b.call(rt.runtime_fn(b, "wait_shadows", handle), [wait, dreq, count])
        return None
    return tangent


def fwd_collective(buffers, count, dt, op=None):
    """Allreduce/Reduce (sum: the tangent of a sum is the sum of tangents), Bcast: the
    same collective on the shadows."""
    def tangent(b, a, d):
        elem = _elem(b, dt, buffers)
        if elem is None:
            return None
        if op is not None:
            _check_sum(b, op, buffers)
        nbytes = _bytes(b, a[count], elem)
        args, tmps = list(a), []
        for i in buffers:
            args[i], tmp = _buffer_or_scratch(b, i, nbytes)
            tmps.append(tmp)
        b.clone(args)
        for tmp in tmps:
            if tmp is not None:
                _free(b, tmp)
        return None
    return tangent


# Gather, Scatter, Allgather: (send buffer, count, datatype, receive buffer, count,
# datatype) at 0..5; one of the two buffers holds a block per process (SCALED).
_SEND, _SCOUNT, _STYPE, _RECV, _RCOUNT, _RTYPE = range(6)


def _gather_elem(b):
    """The float type moved by a Gather/Scatter/Allgather (None: integers), either
    datatype telling (one of them may be insignificant on this process: Scatter's send
    type away from the root, or MPI_IN_PLACE's)."""
    _check_opaque(b)
    kinds = [datatype(b.inst, k) for k in (_STYPE, _RTYPE)]
    floats = {k for k in kinds if k in _SIZES}
    if len(floats) > 1:
        _error(b, "the send and receive datatypes are different float types")
    if floats:
        return floats.pop()
    return _elem(b, _STYPE, [_SEND, _RECV])


def _gather_communicates(call):
    if any(datatype(call, k) in _SIZES for k in (_STYPE, _RTYPE)):
        return (_SEND, _RECV)
    return None


def _check_not_in_place(b):
    for i in (_SEND, _RECV):
        if _is_in_place(b.inst.args[i]):
            _error(b, "MPI_IN_PLACE is not supported on data with derivatives")


def _comm_size(b, comm):
    """The number of processes of `comm` (i64)."""
    tmp = _scratch(b, ConstantInt(I64, 0))
    slot = _at(b, tmp, 80)
    mpi(b, "MPI_Comm_size", [comm, slot])
    size = b.emit(I.Load(I32, [slot], align=4))
    _free(b, tmp)
    return _i64(b, size)


def _gather_bytes(b, a, elem, scaled, comm):
    """Bytes of the send and receive buffers (the SCALED one: a block per process)."""
    size = _comm_size(b, a[comm])
    out = []
    for buf, count in ((_SEND, _SCOUNT), (_RECV, _RCOUNT)):
        n = _bytes(b, a[count], elem)
        out.append(b.binop("mul", n, size) if buf == scaled else n)
    return out, size


def fwd_gather(scaled, comm):
    """Gather/Scatter/Allgather: the same collective on the shadows (zeros where a
    buffer has none)."""
    def tangent(b, a, d):
        elem = _gather_elem(b)
        if elem is None:
            return None
        _check_not_in_place(b)
        (sbytes, rbytes), _ = _gather_bytes(b, a, elem, scaled, comm)
        args = list(a)
        args[_SEND], tmp_s = _buffer_or_scratch(b, _SEND, sbytes)
        args[_RECV], tmp_r = _buffer_or_scratch(b, _RECV, rbytes)
        b.clone(args)
        for tmp in (tmp_s, tmp_r):
            if tmp is not None:
                _free(b, tmp)
        return None
    return tangent


# ------------------------------------------------------------------- reverse mode
def rev_send(buf, count, dt, peer, tag, comm):
    """Send: receive the adjoint of what was sent from its destination, add it in."""
    def adjoint(rb, a, dy):
        elem = _elem(rb, dt, [buf])
        if elem is None:
            return [None] * len(a)
        nbytes = _bytes(rb, a[count], elem)
        tmp = _scratch(rb, nbytes)
        data = _at(rb, tmp, 128)
        mpi(rb, "MPI_Recv", [data, a[count], a[dt], a[peer], a[tag], a[comm], tmp])
        s = rb.shadow(buf)
        if s is not None:
            _add(rb, s, data, a[count], elem)
        _free(rb, tmp)
        return [None] * len(a)
    return adjoint


def rev_recv(buf, count, dt, peer, tag, comm):
    """Recv: send the adjoint of what was received back to its source, zero it."""
    def adjoint(rb, a, dy):
        elem = _elem(rb, dt, [buf])
        if elem is None:
            return [None] * len(a)
        nbytes = _bytes(rb, a[count], elem)
        data, tmp = _buffer_or_scratch(rb, buf, nbytes)
        mpi(rb, "MPI_Send", [data, a[count], a[dt], a[peer], a[tag], a[comm]])
        if tmp is not None:
            _free(rb, tmp)
        else:
            _zero(rb, data, nbytes)
        return [None] * len(a)
    return adjoint


def _records(gs):
    return gs.__dict__.setdefault("_mpi_records", {})


def nonblocking(buf, count, dt, peer, tag, comm, req, kind):
    """Isend (kind 0) / Irecv (kind 1): a request record in the shadow of the request in
    the forward sweep; in the reverse sweep, completing the reversed communication."""
    start_name = "MPI_Irecv" if kind == 0 else "MPI_Isend"

    def forward(gs, inst, c, nb):
        from enzyme_compat.ad.builder import TangentBuilder

        b = TangentBuilder(gs, inst, c, nb)
        _check_opaque(b)
        kind_of = datatype(inst, dt)
        if kind_of not in _SIZES:
            if kind_of is None and inst.args[buf] in gs.shadow:
                _error(b, "the datatype is not recognised as a float or an integer type, "
                       "and the buffer carries derivatives")
            return
        dreq = gs.shadow.get(inst.args[req])
        if dreq is None:
            _error(b, "the request has no shadow (keep it in a local variable or array)")
        a = c.args
        dbuf = gs.shadow.get(inst.args[buf]) or ConstantNull(a[buf].type)
        start = _function(b, start_name, a)
        wait = _function(b, "MPI_Wait", [a[req], a[req]])
        rec = b.call(rt.runtime_fn(b, "record"), [
            start, wait, dbuf, a[count], a[peer], a[tag], ConstantInt(I32, kind),
            _bytes(b, a[count], kind_of), a[dt], a[comm],
            ConstantInt(I32, rt.ELEMENTS[kind_of])])
        b.emit(I.Store([rec, dreq], align=8))
        _records(gs)[inst] = rec

    def adjoint(rb, a, dy):
        rec = _records(rb.gs).get(rb.inst)
        if rec is not None:
            rb.call(rt.runtime_fn(rb, "finish"), [rb.gs.fwd(rec)])
        return [None] * len(a)

    adjoint.forward = forward
    return adjoint


def wait(reqs, n=None):
    """Wait/Waitall: the records of the requests it completes, taken out of their shadows
    (forward sweep); the reversed communications started (reverse sweep)."""
    def forward(gs, inst, c, nb):
        from enzyme_compat.ad.builder import TangentBuilder

        dreq = gs.shadow.get(inst.args[reqs])
        if dreq is None:
            return
        b = TangentBuilder(gs, inst, c, nb)
        count = c.args[n] if n is not None else ConstantInt(I32, 1)
        _records(gs)[inst] = (b.call(rt.runtime_fn(b, "take"), [dreq, count]), count)

    def adjoint(rb, a, dy):
        got = _records(rb.gs).get(rb.inst)
        if got is not None:
            arr, count = got
            rb.call(rt.runtime_fn(rb, "start_all"), [rb.gs.fwd(arr), rb.gs.fwd(count)])
        return [None] * len(a)

    adjoint.forward = forward
    return adjoint


def rev_allreduce(rb, a, dy):
    """Allreduce(sum): every process's input gets the sum of all outputs' adjoints."""
    elem = _elem(rb, 3, [0, 1])
    if elem is None:
        return [None] * len(a)
    _check_sum(rb, 4, [0, 1])
    nbytes = _bytes(rb, a[2], elem)
    tmp = _scratch(rb, nbytes)
    data = _at(rb, tmp, 128)
    dout, tmp_out = _buffer_or_scratch(rb, 1, nbytes)
    rb.clone([dout, data, a[2], a[3], a[4], a[5]])
    if tmp_out is None:
        _zero(rb, dout, nbytes)
    else:
        _free(rb, tmp_out)
    din = rb.shadow(0)
    if din is not None:
        _add(rb, din, data, a[2], elem)
    _free(rb, tmp)
    return [None] * len(a)


def rev_reduce(rb, a, dy):
    """Reduce(sum) to root: the root's output adjoint, broadcast, is every input's."""
    elem = _elem(rb, 3, [0, 1])
    if elem is None:
        return [None] * len(a)
    _check_sum(rb, 4, [0, 1])
    count, dtype, root, comm = a[2], a[3], a[5], a[6]
    nbytes = _bytes(rb, count, elem)
    tmp = _scratch(rb, nbytes)
    data = _at(rb, tmp, 128)
    is_root = _rank_is(rb, root, comm, tmp)
    dout = rb.shadow(1)
    set_or_zero = rt.runtime_fn(rb, "set_or_zero")
    if dout is not None:  # data = the root's adjoint (zeros elsewhere)
        rb.call(set_or_zero, [is_root, data, dout, nbytes])
    mpi(rb, "MPI_Bcast", [data, count, dtype, root, comm])
    din = rb.shadow(0)
    if din is not None:
        _add(rb, din, data, count, elem)
    if dout is not None:  # the root's output was overwritten: its adjoint is used up
        keep = rb.emit(I.BinaryOp("xor", I1, [is_root, ConstantInt(I1, 1)]))
        rb.call(set_or_zero, [keep, dout, dout, nbytes])
    _free(rb, tmp)
    return [None] * len(a)


def rev_bcast(rb, a, dy):
    """Bcast from root: the adjoints of every copy, summed, are the root's; the others'
    buffers were overwritten (their adjoints are used up)."""
    elem = _elem(rb, 2, [0])
    if elem is None:
        return [None] * len(a)
    count, dtype, root, comm = a[1], a[2], a[3], a[4]
    nbytes = _bytes(rb, count, elem)
    tmp = _scratch(rb, nbytes)
    data = _at(rb, tmp, 128)
    dbuf, tmp_in = _buffer_or_scratch(rb, 0, nbytes)
    op = _sum_op(rb, tmp, elem)
    handle = rb.emit(I.Load(dtype.type, [op], align=8))
    mpi(rb, "MPI_Reduce", [dbuf, data, count, dtype, handle, root, comm])
    mpi(rb, "MPI_Op_free", [op])
    if tmp_in is None:
        rb.call(rt.runtime_fn(rb, "set_or_zero"),
                [_rank_is(rb, root, comm, tmp), dbuf, data, nbytes])
    else:
        _free(rb, tmp_in)
    _free(rb, tmp)
    return [None] * len(a)


def _used_up(rb, a, drecv, tmp_r, nbytes, root=None):
    """The receive buffer was overwritten: its adjoint is used up (zeroed; only at the root
    when `root` is given, the buffer not being significant elsewhere)."""
    if tmp_r is not None:
        _free(rb, tmp_r)
    elif root is None:
        _zero(rb, drecv, nbytes)
    else:
        tmp = _scratch(rb, ConstantInt(I64, 0))
        is_root = _rank_is(rb, a[root], a[7], tmp)
        keep = rb.emit(I.BinaryOp("xor", I1, [is_root, ConstantInt(I1, 1)]))
        rb.call(rt.runtime_fn(rb, "set_or_zero"), [keep, drecv, drecv, nbytes])
        _free(rb, tmp)


def rev_gather(rb, a, dy):
    """Gather to root: the root's receive adjoints, scattered back, are added into each
    process's send shadow; the root's receive shadow is used up."""
    elem = _gather_elem(rb)
    if elem is None:
        return [None] * len(a)
    _check_not_in_place(rb)
    (sbytes, rbytes), _ = _gather_bytes(rb, a, elem, _RECV, 7)
    tmp = _scratch(rb, sbytes)
    data = _at(rb, tmp, 128)
    drecv, tmp_r = _buffer_or_scratch(rb, _RECV, rbytes)
    mpi(rb, "MPI_Scatter", [drecv, a[_RCOUNT], a[_RTYPE], data, a[_SCOUNT], a[_STYPE],
                            a[6], a[7]])
    dsend = rb.shadow(_SEND)
    if dsend is not None:
        _add(rb, dsend, data, a[_SCOUNT], elem)
    _used_up(rb, a, drecv, tmp_r, rbytes, root=6)
    _free(rb, tmp)
    return [None] * len(a)


def rev_scatter(rb, a, dy):
    """Scatter from root: the receive adjoints, gathered, are added into the root's send
    shadow; every receive shadow is used up."""
    elem = _gather_elem(rb)
    if elem is None:
        return [None] * len(a)
    _check_not_in_place(rb)
    (sbytes, rbytes), size = _gather_bytes(rb, a, elem, _SEND, 7)
    tmp = _scratch(rb, sbytes)
    data = _at(rb, tmp, 128)
    drecv, tmp_r = _buffer_or_scratch(rb, _RECV, rbytes)
    mpi(rb, "MPI_Gather", [drecv, a[_RCOUNT], a[_RTYPE], data, a[_SCOUNT], a[_STYPE],
                           a[6], a[7]])
    dsend = rb.shadow(_SEND)
    if dsend is not None:  # the send buffer is significant at the root only
        n = rb.binop("mul", _i64(rb, a[_SCOUNT]), size)
        rb.call(rt.add_if_fn(rb, elem), [_rank_is(rb, a[6], a[7], tmp), dsend, data, n])
    _used_up(rb, a, drecv, tmp_r, rbytes)
    _free(rb, tmp)
    return [None] * len(a)


def rev_allgather(rb, a, dy):
    """Allgather: each process's send shadow gets the sum over processes of its block of
    the receive adjoints (Reduce_scatter_block with a user-defined sum); the receive
    shadows are used up."""
    elem = _gather_elem(rb)
    if elem is None:
        return [None] * len(a)
    _check_not_in_place(rb)
    (sbytes, rbytes), _ = _gather_bytes(rb, a, elem, _RECV, 6)
    tmp = _scratch(rb, sbytes)
    data = _at(rb, tmp, 128)
    drecv, tmp_r = _buffer_or_scratch(rb, _RECV, rbytes)
    op = _sum_op(rb, tmp, elem)
    handle = rb.emit(I.Load(a[_RTYPE].type, [op], align=8))
    mpi(rb, "MPI_Reduce_scatter_block", [drecv, data, a[_RCOUNT], a[_RTYPE], handle, a[6]])
    mpi(rb, "MPI_Op_free", [op])
    dsend = rb.shadow(_SEND)
    if dsend is not None:
        _add(rb, dsend, data, a[_SCOUNT], elem)
    _used_up(rb, a, drecv, tmp_r, rbytes)
    _free(rb, tmp)
    return [None] * len(a)


def rev_barrier(rb, a, dy):
    rb.clone(list(a))
    return [None] * len(a)


def refused(b, a, d):
    _error(b, "this MPI call moves floats and has no derivative rule yet")


def refused_adjoint(rb, a, dy):
    refused(rb, a, dy)


def _rev_refused_forward(gs, inst, c, nb):
    from enzyme_compat.ad.builder import TangentBuilder

    refused(TangentBuilder(gs, inst, c, nb), None, None)


refused_adjoint.forward = _rev_refused_forward


# ------------------------------------------------------------------------ the tables
# name: (forward tangent, reverse adjoint, communicated buffers, datatype index)
_P2P = (0, 1, 2, 3, 4, 5)  # buf, count, datatype, peer, tag, comm
TABLE = {
    "MPI_Send": (fwd_p2p(0, 1, 2), rev_send(*_P2P), (0,), 2),
    "MPI_Recv": (fwd_p2p(0, 1, 2), rev_recv(*_P2P), (0,), 2),
    "MPI_Isend": (fwd_p2p(0, 1, 2, status=6), nonblocking(*_P2P, 6, 0), (0, 6), 2),
    "MPI_Irecv": (fwd_p2p(0, 1, 2, status=6), nonblocking(*_P2P, 6, 1), (0, 6), 2),
    "MPI_Allreduce": (fwd_collective((0, 1), 2, 3, op=4), rev_allreduce, (0, 1), 3),
    "MPI_Reduce": (fwd_collective((0, 1), 2, 3, op=4), rev_reduce, (0, 1), 3),
    "MPI_Bcast": (fwd_collective((0,), 1, 2), rev_bcast, (0,), 2),
}
# name: (forward tangent, reverse adjoint); buffers (_SEND, _RECV), either datatype
GATHERS = {
    "MPI_Gather": (fwd_gather(_RECV, 7), rev_gather),
    "MPI_Scatter": (fwd_gather(_SEND, 7), rev_scatter),
    "MPI_Allgather": (fwd_gather(_RECV, 6), rev_allgather),
}


def _forward_rules():
    out = []
    for name, (tangent, _, buffers, dt) in TABLE.items():
        out.append(ForwardRule("function", name, tangent,
                               communicates=communicates(buffers, dt)))
    for name, (tangent, _) in GATHERS.items():
        out.append(ForwardRule("function", name, tangent, communicates=_gather_communicates))
    out.append(ForwardRule("function", "MPI_Wait", fwd_wait(0)))
    out.append(ForwardRule("function", "MPI_Waitall", fwd_wait(1, n=0)))
    out.append(ForwardRule("function", "MPI_Barrier", lambda b, a, d: None,
                           communicates=lambda call: ()))
    for name in dict.fromkeys(_REFUSED):
        out.append(ForwardRule("function", name, refused, communicates=_refused_communicates))
    return out


def _reverse_rules():
    out = [ReverseRule("function", name, adjoint) for name, (_, adjoint, _, _) in TABLE.items()]
    out += [ReverseRule("function", name, adjoint) for name, (_, adjoint) in GATHERS.items()]
    out.append(ReverseRule("function", "MPI_Wait", wait(0)))
    out.append(ReverseRule("function", "MPI_Waitall", wait(1, n=0)))
    out.append(ReverseRule("function", "MPI_Barrier", rev_barrier))
    for name in dict.fromkeys(_REFUSED):
        out.append(ReverseRule("function", name, refused_adjoint))
    return out


@ad_hookimpl
def enzyme_compat_forward_rules():
    return _forward_rules()


@ad_hookimpl
def enzyme_compat_reverse_rules():
    return _reverse_rules()


@ad_hookimpl
def enzyme_compat_inactive_functions():
    return INACTIVE
