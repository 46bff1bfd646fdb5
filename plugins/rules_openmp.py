"""OpenMP (clang -fopenmp, libomp): derivatives of parallel regions, as rule data.

clang outlines the body of `#pragma omp parallel` into a function
`@f.omp_outlined(ptr gtid, ptr btid, captured...)` started on every thread by
`__kmpc_fork_call(loc, n, @f.omp_outlined, captured...)`; the captured variables arrive
by address (pointers to the caller's locals). Worksharing (`__kmpc_for_static_init_*`,
`__kmpc_dispatch_*`), thread numbers and the like only move integers: inactive.

Forward mode: the fork call forks the tangent of the outlined function instead, each
captured pointer followed by its shadow (the tangent function's own signature), so every
thread computes the tangents of the iterations it runs.

Reverse mode: the tape is one per thread. The augmented forward sweep forks a wrapper
that runs the outlined function's augmented half on the tape of its thread number (the
tape headers live in a block the caller allocates, whose address the caller's own tape
keeps); the reverse sweep forks a team of the same size whose threads each run the
reverse half on their own tape and free it. Forward values the reverse sweep needs are
read from the tapes, so memory overwritten later (in the region or after it) does no
harm. Adjoints added into shadow memory inside a region are added atomically
(`Gradient.atomic`), so threads adding into the same shadow (a stencil's neighbours, a
shared variable read by all) do not race.

Reductions (`__kmpc_reduce(_nowait)`): in derivative code the runtime is made to choose
its critical-section method (no atomic flag in the `ident_t`, no tree combiner), so the
combination `shared = shared + private` runs in a lock, tangents included; in the reverse
sweep the reversed combination runs in a lock too (taken where `__kmpc_end_reduce*`
is reversed, released where `__kmpc_reduce*` is), and each thread's private partial
receives the adjoint of the shared result. `#pragma omp critical` is reversed the same
way; a barrier is reversed by a barrier.

Refused with a located error: tasks, teams, `__kmpc_fork_call_if`, floats captured by
value, vector mode, split mode with `enzyme_nofree`, modules with typed pointers.
"""

from __future__ import annotations

from enzyme_compat.ad.abi import strip_casts
from enzyme_compat.ad.builder import TangentBuilder
from enzyme_compat.ad.cloning import derived_name
from enzyme_compat.ad.errors import UnsupportedInstructionError
from enzyme_compat.ad.hookspecs import ad_hookimpl
from enzyme_compat.ad.rules import ForwardRule, ReverseRule
from enzyme_compat.ir import instructions as I
from enzyme_compat.ir.module import BasicBlock, Function
from enzyme_compat.ir.types import I1, I8, I32, I64, VOID, FunctionType
from enzyme_compat.ir.values import ConstantInt, ConstantNull

CONST, DUP = "const", "dup"
PREFIX = "__enzyme_compat_omp_"
_HEADER = 24  # bytes of one tape header
_HOLDER = 16  # the tape block: i32 team size, i32 capacity, 8 spare, then the headers

INACTIVE = [
    "__kmpc_for_static_init_4", "__kmpc_for_static_init_4u", "__kmpc_for_static_init_8",
    "__kmpc_for_static_init_8u", "__kmpc_for_static_fini", "__kmpc_dist_for_static_init_*",
    "__kmpc_dispatch_init_*", "__kmpc_dispatch_next_*", "__kmpc_dispatch_fini_*",
    "__kmpc_dispatch_deinit", "__kmpc_global_thread_num", "__kmpc_push_num_threads",
    "__kmpc_push_proc_bind", "__kmpc_serialized_parallel", "__kmpc_end_serialized_parallel",
    "__kmpc_single", "__kmpc_end_single", "__kmpc_master", "__kmpc_end_master",
    "__kmpc_masked", "__kmpc_end_masked", "__kmpc_flush", "__kmpc_ordered",
    "__kmpc_end_ordered", "__kmpc_begin", "__kmpc_end", "omp_get_thread_num",
    "omp_get_num_threads", "omp_get_max_threads", "omp_get_num_procs", "omp_in_parallel",
    "omp_get_wtime", "omp_get_wtick", "omp_set_num_threads", "omp_get_level",
    "omp_get_dynamic", "omp_set_dynamic", "omp_get_thread_limit", "omp_get_team_size",
    "omp_get_ancestor_thread_num", "omp_get_active_level", "omp_get_nested",
]

# Calls with no rule here that start other threads' work on captured data: refused.
_REFUSED = ["__kmpc_fork_call_if", "__kmpc_fork_teams", "__kmpc_omp_task_alloc",
            "__kmpc_omp_task", "__kmpc_omp_task_with_deps", "__kmpc_taskloop",
            "__kmpc_taskloop_5", "__kmpc_omp_target_task_alloc"]

_GLOBALS = """
@{P}src = private unnamed_addr constant [23 x i8] c";unknown;unknown;0;0;;\\00", align 1
@{P}ident = private unnamed_addr constant {{ i32, i32, i32, i32, ptr }} {{ i32 0, i32 2, i32 0, i32 22, ptr @{P}src }}, align 8
@{P}lock = internal global [8 x i32] zeroinitializer, align 8
"""

_UNLOCK_IF = """
declare i32 @__kmpc_global_thread_num(ptr)
declare void @__kmpc_end_critical(ptr, i32, ptr)

define internal void @{name}(i1 %held, ptr %loc, ptr %lock) {{
entry:
  br i1 %held, label %unlock, label %done
unlock:
  %gtid = call i32 @__kmpc_global_thread_num(ptr %loc)
  call void @__kmpc_end_critical(ptr %loc, i32 %gtid, ptr %lock)
  br label %done
done:
  ret void
}}
"""


# ------------------------------------------------------------------------- helpers
def _error(b, message):
    b.error(UnsupportedInstructionError, f"@{b.inst.callee.name}: {message}")


def _check_opaque(b):
    if not b.fs.module.uses_opaque_pointers:
        _error(b, "OpenMP derivatives need a module with opaque pointers (LLVM >= 15)")


def _global(b, which):
    """One of this plugin's globals (ident without the atomic-reduction flag, the lock
    of reversed critical sections), added to the module on first use."""
    module = b.fs.module
    name = PREFIX + which
    g = module.symbols.get(name)
    if g is None:
        from enzyme_compat.ir.parser import parse

        src = parse(_GLOBALS.format(P=PREFIX), "<enzyme_compat openmp globals>")
        for x in src.globals:
            if x.name not in module.symbols:
                module.globals.append(x)
                module.symbols[x.name] = x
        g = module.symbols[name]
    return g


def _call(b, name, ret, args):
    f = b.fs.module.symbols.get(name)
    if not isinstance(f, Function):
        f = b.fs.declare(name, FunctionType(ret, [a.type for a in args]))
    return b.call(f, args)


def _gtid(b, loc):
    """The calling thread's global id (asked again: a reversed team's threads need not
    have the ids the forward team's had)."""
    return _call(b, "__kmpc_global_thread_num", I32, [loc])


def _outlined(b):
    fn = strip_casts(b.inst.args[2])
    if not isinstance(fn, Function) or fn.is_declaration:
        _error(b, "the outlined parallel region is not a function defined in this module")
    if len(fn.args) != len(b.inst.args) - 1 or fn.fn_type.vararg:
        _error(b, f"the outlined function @{fn.name} does not take the 2 thread ids and "
               f"the {len(b.inst.args) - 3} captured values the fork passes")
    return fn


def _captured_activity(b, has_shadow, active_value):
    """(activity of the outlined function's parameters, captured argument indices)."""
    acts = [CONST, CONST]
    for k in range(3, len(b.inst.args)):
        v = b.inst.args[k]
        if v.type.is_pointer:
            acts.append(DUP if has_shadow(k) else CONST)
        else:
            if active_value(k):
                _error(b, f"captured value {k - 3} carries a derivative and is passed by "
                       "value (firstprivate float): not supported; share the variable")
            acts.append(CONST)
    return tuple(acts)


def _records(gs):
    return gs.__dict__.setdefault("_omp_records", {})


# -------------------------------------------------------------------- forward mode
def fwd_fork(b, a, d):
    """Fork the tangent of the outlined function (captured pointers with their shadows)
    instead of the outlined function: it computes the primal too."""
    _check_opaque(b)
    if b.fs.width != 1:
        _error(b, "parallel regions are not supported in vector mode (enzyme_width)")
    fn = _outlined(b)
    acts = _captured_activity(b, lambda k: d[k] is not None, lambda k: d[k] is not None)
    dfn = b.fs.mode.tangent_function(fn, acts, "none", 1, ())
    rest = []
    for k in range(3, len(a)):
        rest.append(a[k])
        if acts[k - 1] == DUP:
            rest.append(d[k])
    call = b.result
    call.ops = [a[0], ConstantInt(a[1].type, len(rest)), dfn, *rest]
    call.arg_attrs = [[] for _ in call.ops]
    return None


def _force_critical(b, call):
    """A reduction in derivative code: the critical-section method (the tangent and the
    reversed combination then run in the runtime's or our lock): an ident_t without the
    atomic flag and no tree combiner."""
    ops = list(call.ops)
    ops[0] = _global(b, "ident")
    ops[5] = ConstantNull(ops[5].type)
    call.ops = ops
    call.arg_attrs = [[] if k in (0, 5) else list(attrs)
                      for k, attrs in enumerate(call.arg_attrs)]


def fwd_reduce(b, a, d):
    _check_opaque(b)
    _force_critical(b, b.result)
    return None


def no_tangent(b, a, d):
    return None


# -------------------------------------------------------------------- reverse mode
def _wrapper(gs, g, kind):
    """`@omp_aug_<f>` / `@omp_rev_<f>(gtid, btid, block, captured...)`: the augmented or
    reverse half of outlined function f on the tape of the calling thread's number."""
    key = (g.augmented.name, kind)
    cache = gs.mode.__dict__.setdefault("_omp_wrappers", {})
    if key in cache:
        return cache[key]
    half = g.augmented if kind == "aug" else g.reverse
    params = half.fn_type.params
    ptr = params[1]
    fn_type = FunctionType(VOID, [ptr, ptr, ptr, *params[3:]])
    names = ["gtid", "btid", "tapes", *(a.name for a in half.args[3:])]
    fn = gs.mode._function(derived_name(g.primal.name, f"omp_{kind}_"), fn_type, names)
    entry, run, bad = (BasicBlock(n, parent=fn) for n in ("entry", "run", "bad"))
    fn.blocks = [entry, run, bad]
    declare = gs.declare
    tid = entry.append(I.Call("call", I32, FunctionType(I32, []),
                              declare("omp_get_thread_num", FunctionType(I32, [])), [], []))
    team = entry.append(I.Call("call", I32, FunctionType(I32, []),
                               declare("omp_get_num_threads", FunctionType(I32, [])), [], []))
    block = fn.args[2]
    if kind == "aug":  # room for this thread's tape, and the team size for the reverse
        capp = entry.append(I.GetElementPtr(ptr, I8, [block, ConstantInt(I64, 4)],
                                            flags=["inbounds"]))
        cap = entry.append(I.Load(I32, [capp], align=4))
        ok = entry.append(I.Compare("icmp", I1, [tid, cap], "ult"))
    else:  # the same team size as the forward sweep's: one thread per tape
        want = entry.append(I.Load(I32, [block], align=4))
        ok = entry.append(I.Compare("icmp", I1, [team, want], "eq"))
    entry.append(I.Br([ok], [run, bad]))
    trap = declare("llvm.trap", FunctionType(VOID, []))
    bad.append(I.Call("call", VOID, trap.fn_type, trap, [], []))
    bad.append(I.Unreachable("unreachable", VOID))
    if kind == "aug":
        run.append(I.AtomicRMW(I32, "xchg", [block, team], "monotonic", align=4))
    wide = run.append(I.Cast("zext", I64, [tid]))
    off = run.append(I.BinaryOp("mul", I64, [wide, ConstantInt(I64, _HEADER)]))
    off = run.append(I.BinaryOp("add", I64, [off, ConstantInt(I64, _HOLDER)]))
    tape = run.append(I.GetElementPtr(ptr, I8, [block, off], flags=["inbounds"]))
    args = [tape, fn.args[0], fn.args[1], *fn.args[3:]]
    run.append(I.Call("call", half.fn_type.ret, half.fn_type, half, args,
                      [[] for _ in args]))
    if kind == "rev":
        gs.tape.free(run.append, tape)
    run.append(I.Ret([]))
    cache[key] = fn
    return fn


def _fork_forward(gs, inst, c, nb):
    """Augmented sweep: fork the augmented halves, one tape per thread."""
    b = TangentBuilder(gs, inst, c, nb)
    _check_opaque(b)
    if gs.g.nofree:
        _error(b, "parallel regions are not supported with enzyme_nofree yet")
    fn = _outlined(b)
    acts = _captured_activity(b, lambda k: inst.args[k] in gs.shadow,
                              lambda k: gs.has_adjoint(inst.args[k]))
    g = gs.mode.gradient(fn, acts, False, (), False, atomic=True)
    aug, rev = _wrapper(gs, g, "aug"), _wrapper(gs, g, "rev")
    nb.instructions.remove(c)  # the block of tapes is allocated before the fork
    cap = _call(b, "omp_get_max_threads", I32, [])
    pushed = _pushed_threads(inst)
    if pushed is not None:  # num_threads(k): the team may be larger than the default
        more = b.emit(I.Compare("icmp", I1, [gs.new(pushed), cap], "sgt"))
        cap = b.emit(I.Select("select", I32, [more, gs.new(pushed), cap]))
    wide = b.cast("zext", I64, cap)
    size = b.binop("mul", wide, ConstantInt(I64, _HEADER))
    size = b.binop("add", size, ConstantInt(I64, _HOLDER))
    block = b.libcall("calloc", inst.args[0].type, [size, ConstantInt(I64, 1)])
    capp = b.emit(I.GetElementPtr(block.type, I8, [block, ConstantInt(I64, 4)],
                                  flags=["inbounds"]))
    b.emit(I.Store([cap, capp], align=4))
    rest = []
    for k in range(3, len(inst.args)):
        rest.append(c.args[k])
        if acts[k - 1] == DUP:
            rest.append(gs.shadow[inst.args[k]])
    c.ops = [c.args[0], ConstantInt(c.args[1].type, len(rest) + 1), aug, block, *rest]
    c.arg_attrs = [[] for _ in c.ops]
    nb.append(c)
    _records(gs)[inst] = (block, rev, acts)


def _pushed_threads(inst):
    """The thread count of a `__kmpc_push_num_threads` right before the fork, if any."""
    insts = inst.parent.instructions
    for prev in reversed(insts[:insts.index(inst)]):
        if isinstance(prev, I.Call) and getattr(prev.callee, "name", "") == \
                "__kmpc_push_num_threads":
            return prev.args[2]
        if isinstance(prev, I.Call) and not getattr(prev.callee, "name", "").startswith(
                "llvm."):
            return None
    return None


def rev_fork(rb, a, dy):
    """Reverse sweep: a team of the forward team's size runs the reverse halves, each
    thread on its own tape; the block of tapes is freed."""
    got = _records(rb.gs).get(rb.inst)
    if got is None:
        return [None] * len(a)
    block, rev, acts = got
    block = rb.gs.fwd(block)
    team = rb.emit(I.Load(I32, [block], align=4))
    loc = a[0]
    _call(rb, "__kmpc_push_num_threads", VOID, [loc, _gtid(rb, loc), team])
    rest = []
    for k in range(3, len(a)):
        rest.append(a[k])
        if acts[k - 1] == DUP:
            rest.append(rb.shadow(k))
    rb.clone([loc, ConstantInt(a[1].type, len(rest) + 1), rev, block, *rest])
    rb.libcall("free", VOID, [block])
    return [None] * len(a)


rev_fork.forward = _fork_forward


def rev_reduce(blocking):
    """`__kmpc_reduce(_nowait)`: the critical method in the augmented sweep; in the
    reverse sweep, release the lock the reversed `__kmpc_end_reduce*` took (it ran when
    the result was 1, or 2 for the blocking form)."""
    def forward(gs, inst, c, nb):
        b = TangentBuilder(gs, inst, c, nb)
        _check_opaque(b)
        _force_critical(b, c)

    def adjoint(rb, a, dy):
        r = rb.result
        held = rb.emit(I.Compare("icmp", I1, [r, ConstantInt(I32, 1)], "eq"))
        if blocking:
            two = rb.emit(I.Compare("icmp", I1, [r, ConstantInt(I32, 2)], "eq"))
            held = rb.emit(I.BinaryOp("or", I1, [held, two]))
        unlock = rb.helper(PREFIX + "unlock_if", _UNLOCK_IF.format(name=PREFIX + "unlock_if"))
        rb.call(unlock, [held, a[0], _global(rb, "lock")])
        return [None] * len(a)

    adjoint.forward = forward
    return adjoint


def rev_end_reduce(blocking):
    """`__kmpc_end_reduce(_nowait)`: the reversed combination starts here, in a lock
    (after a barrier for the blocking form: every thread's adjoint of the result is
    in)."""
    def adjoint(rb, a, dy):
        loc = a[0]
        gtid = _gtid(rb, loc)
        if blocking:
            _call(rb, "__kmpc_barrier", VOID, [loc, gtid])
        _call(rb, "__kmpc_critical", VOID, [loc, gtid, _global(rb, "lock")])
        return [None] * len(a)
    return adjoint


def rev_lock(name):
    """`__kmpc_end_critical` reversed takes the lock, `__kmpc_critical` releases it."""
    def adjoint(rb, a, dy):
        loc = a[0]
        _call(rb, name, VOID, [loc, _gtid(rb, loc), _global(rb, "lock")])
        return [None] * len(a)
    return adjoint


def rev_barrier(rb, a, dy):
    loc = a[0]
    _call(rb, "__kmpc_barrier", VOID, [loc, _gtid(rb, loc)])
    return [None] * len(a)


def refused(b, a, d):
    _error(b, "this OpenMP construct (tasks, teams, a conditional parallel region) has "
           "no derivative yet")


def refused_adjoint(rb, a, dy):
    refused(rb, a, dy)


def _refused_forward(gs, inst, c, nb):
    refused(TangentBuilder(gs, inst, c, nb), None, None)


refused_adjoint.forward = _refused_forward


def _always(call):
    return ()


# ------------------------------------------------------------------------ the tables
# name: (forward tangent, reverse adjoint, runs even with nothing active)
TABLE = {
    "__kmpc_fork_call": (fwd_fork, rev_fork, False),
    "__kmpc_reduce_nowait": (fwd_reduce, rev_reduce(False), True),
    "__kmpc_reduce": (fwd_reduce, rev_reduce(True), True),
    "__kmpc_end_reduce_nowait": (no_tangent, rev_end_reduce(False), True),
    "__kmpc_end_reduce": (no_tangent, rev_end_reduce(True), True),
    "__kmpc_critical": (no_tangent, rev_lock("__kmpc_end_critical"), True),
    "__kmpc_critical_with_hint": (no_tangent, rev_lock("__kmpc_end_critical"), True),
    "__kmpc_end_critical": (no_tangent, rev_lock("__kmpc_critical"), True),
    "__kmpc_barrier": (no_tangent, rev_barrier, True),
}
TABLE.update({name: (refused, refused_adjoint, True) for name in _REFUSED})


@ad_hookimpl
def enzyme_compat_forward_rules():
    return [ForwardRule("function", name, tangent, communicates=_always if always else None)
            for name, (tangent, _, always) in TABLE.items()]


@ad_hookimpl
def enzyme_compat_reverse_rules():
    return [ReverseRule("function", name, adjoint) for name, (_, adjoint, _) in TABLE.items()]


@ad_hookimpl
def enzyme_compat_inactive_functions():
    return INACTIVE
