"""Replace each reverse-mode entry point call by calls of the synthesized functions.

`__enzyme_autodiff` calls `diffe_<f>` (tape, both sweeps, return seeded with 1);
`__enzyme_augmentsize` becomes the size of a tape header; `__enzyme_augmentfwd` sets up
the tape (in the caller's buffer with `enzyme_allocated`, else on the heap, returned as
the tape pointer) and runs `augmented_<f>`; `__enzyme_reverse` runs `reverse_<f>` on that
tape and frees what the tape holds (and the header itself when it came from the heap).
"""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.types import I64, VOID, FunctionType, StructType
from ..ir.values import ConstantInt, Undef
from . import abi_reverse as A
from . import tape as T
from .abi import DUP
from .activity import dispatch
from .builder import zero_of
from .driver import _coerce, _leaves, _replace_uses, _sret_type, splice_call
from .errors import EnzymeABIError, located
from .reverse import ReverseMode
from .tape import HEADER_SIZE


class _Site:
    """Instructions emitted in place of one call."""

    def __init__(self, module, caller, call):
        self.module, self.caller, self.call = module, caller, call
        self.block = call.parent
        self.out: list = []
        self.opaque = module.uses_opaque_pointers

    def emit(self, inst):
        inst.parent = self.block
        self.out.append(inst)
        return inst

    def err(self, msg):
        return located(EnzymeABIError, self.module, self.caller, self.call, msg)

    def coerce(self, v, t):
        return _coerce(v, t, self.emit, self.err, self.opaque)

    def finish(self, result):
        splice_call(self.block, self.call, self.out)
        if result is not None:
            _replace_uses(self.caller, self.call, result)


def _arguments(site, plan, fn_type, skip=1):
    """The call's values as the parameters of a synthesized function (after `skip`
    leading parameters: the tape)."""
    params = iter(fn_type.params[skip:])
    args = []
    for a in plan.args:
        args.append(site.coerce(a.primal, next(params)))
        if a.activity == DUP:
            args.append(site.coerce(a.shadow, next(params)))
    return args


def _deliver(site, value, plan):
    """The struct of OUT adjoints as what the caller declared: the scalar itself, a struct
    or array of the same scalars, or stored through the `sret` slot."""
    call = site.call
    elems = [] if value is None else value.type.elems
    if plan.sret is not None:
        slot_type = _sret_type(call) or plan.sret.type.pointee
        if value is None:
            return None
        if slot_type is None or [t for _, t in _leaves(slot_type)] != \
                [t for e in elems for _, t in _leaves(e)]:
            raise site.err(f"the call returns {slot_type!r} in memory but the gradient is "
                           f"{value.type!r}")
        slot = plan.sret
        st = StructType(elems)
        if not site.opaque:
            from ..ir.types import PointerType

            slot = site.emit(I.Cast("bitcast", PointerType(st, slot.type.addrspace), [slot]))
        site.emit(I.Store([value, slot], align=None))
        return None
    t = call.type
    if t == VOID:
        return None
    if value is None:
        return zero_of(t) if not t.is_pointer else Undef(t)
    if len(elems) == 1:
        d = site.emit(I.ExtractValue(elems[0], [value], [0]))
        if d.type == t:
            return d
        if t.is_float and d.type.is_float and not t.is_vector:
            return site.emit(I.Cast("fpext" if t.bits > d.type.bits else "fptrunc", t, [d]))
    leaves = [(k, path, lt) for k, e in enumerate(elems) for path, lt in _leaves(e)]
    targets = _leaves(t)
    if [lt for _, _, lt in leaves] != [lt for _, lt in targets]:
        raise site.err(f"the call returns {t!r} but the gradient of "
                       f"@{plan.function.name} is {value.type!r}")
    out = Undef(t)
    for (k, path, lt), (tpath, _) in zip(leaves, targets):
        e = site.emit(I.ExtractValue(lt, [value], [k, *path]))
        out = site.emit(I.InsertValue(t, [out, e], list(tpath)))
    return out


def _activity(plan):
    return tuple(a.activity for a in plan.args)


def _target(site, plan, derived):
    """The derived function for the call's target (one per candidate, `dispatch`)."""
    pairs = [(f, derived(f)) for f in plan.candidates]
    return pairs[0][1], dispatch(site.emit, plan.function_value, pairs)


def lower_autodiff(mode: ReverseMode, site, plan):
    fn, target = _target(site, plan, lambda f: mode.combined(f, _activity(plan),
                                                             plan.ret_active))
    args = _arguments(site, plan, fn.fn_type, skip=0)
    r = site.emit(I.Call("call", fn.fn_type.ret, fn.fn_type, target, args,
                         [[] for _ in args]))
    r.md = [(k, m) for k, m in site.call.md if k == "dbg"]
    return _deliver(site, r if fn.fn_type.ret != VOID else None, plan), fn.name


def _runtime_call(mode, site, name, args):
    f = mode.runtime()[name]
    return site.emit(I.Call("call", f.fn_type.ret, f.fn_type, f, list(args),
                            [[] for _ in args]))


def _i64(site, v):
    if v.type == I64:
        return v
    return site.emit(I.Cast("sext" if v.type.bits < 64 else "trunc", I64, [v]))




def _tape_slot(mode, site, plan):
    """`enzyme_tape, P` without `enzyme_allocated`: P is where the tape pointer lives."""
    from ..ir.types import PointerType

    bp = mode.tape.byte_ptr
    want = PointerType(None if site.opaque else bp)
    return site.coerce(plan.tape, want) if plan.tape.type != want else plan.tape


def lower_augmentfwd(mode: ReverseMode, site, plan):
    """The tape: the caller's buffer (`enzyme_allocated, N, enzyme_tape, buf`), else a
    heap header stored where `enzyme_tape` says and/or returned."""
    gs = {f: mode.gradient(f, _activity(plan), plan.ret_active) for f in plan.candidates}
    g = gs[plan.function]
    bp = mode.tape.byte_ptr
    if plan.allocated is not None:
        if plan.tape is None:
            raise site.err("enzyme_allocated needs the buffer: enzyme_tape, <buffer>")
        header = site.coerce(plan.tape, bp)
        _runtime_call(mode, site, T.INIT, [header, _i64(site, plan.allocated)])
    else:
        f = mode.module.declare("malloc", FunctionType(bp, [I64]))
        header = site.emit(I.Call("call", bp, f.fn_type, f, [ConstantInt(I64, HEADER_SIZE)],
                                  [[]]))
        _runtime_call(mode, site, T.INIT, [header, ConstantInt(I64, 0)])
        if plan.tape is not None:
            site.emit(I.Store([header, _tape_slot(mode, site, plan)], align=None))
    aug, target = _target(site, plan, lambda f: gs[f].augmented)
    args = [header, *_arguments(site, plan, aug.fn_type)]
    r = site.emit(I.Call("call", aug.fn_type.ret, aug.fn_type, target, args,
                         [[] for _ in args]))
    primal = None
    if plan.function.fn_type.ret != VOID:
        primal = site.emit(I.ExtractValue(plan.function.fn_type.ret, [r], [0])) \
            if g.ret_shadow else r
    ct = site.call.type
    if ct == VOID:
        return None, aug.name
    if plan.allocated is not None or plan.tape is not None:
        if primal is not None and ct == primal.type:
            return primal, aug.name
        if g.ret_shadow and ct == r.type:
            return r, aug.name
        raise site.err(f"__enzyme_augmentfwd with the tape in the caller's hands returns "
                       f"the primal result; the call declares {ct!r}")
    if ct.is_pointer:
        return site.coerce(header, ct), aug.name
    if isinstance(ct, StructType) and ct.elems and ct.elems[0].is_pointer:
        out = site.emit(I.InsertValue(ct, [Undef(ct), site.coerce(header, ct.elems[0])],
                                      [0]))
        if primal is not None and len(ct.elems) > 1 and ct.elems[1] == primal.type:
            out = site.emit(I.InsertValue(ct, [out, primal], [1]))
        return out, aug.name
    raise site.err(f"__enzyme_augmentfwd without enzyme_allocated returns the tape pointer; "
                   f"the call declares {ct!r}")


def lower_reverse(mode: ReverseMode, site, plan):
    gs = {f: mode.gradient(f, _activity(plan), plan.ret_active, nofree=plan.nofree)
          for f in plan.candidates}
    g = gs[plan.function]
    bp = mode.tape.byte_ptr
    if plan.allocated is not None:
        header = site.coerce(plan.tape, bp)
    elif plan.tape_marked:
        header = site.emit(I.Load(bp, [_tape_slot(mode, site, plan)], align=None))
    else:
        header = site.coerce(plan.tape, bp)
    saved = _runtime_call(mode, site, T.SIZE, [header])
    rev, target = _target(site, plan, lambda f: gs[f].reverse)
    args = [header, *_arguments(site, plan, rev.fn_type)]
    if g.ret_active:
        args.append(site.coerce(plan.dret, rev.fn_type.params[-1]))
    r = site.emit(I.Call("call", rev.fn_type.ret, rev.fn_type, target, args,
                         [[] for _ in args]))
    if plan.nofree:  # the tape stays as the forward pass left it
        _runtime_call(mode, site, T.REWIND, [header, saved])
    elif plan.allocated is not None:
        _runtime_call(mode, site, T.RELEASE, [header, saved])
    else:
        mode.tape.free(site.emit, header)
        f = mode.module.declare("free", FunctionType(VOID, [bp]))
        site.emit(I.Call("call", VOID, f.fn_type, f, [header], [[]]))
    return _deliver(site, r if rev.fn_type.ret != VOID else None, plan), rev.name


def lower_augmentsize(mode, site, plan):
    t = site.call.type
    if not t.is_int:
        raise site.err(f"__enzyme_augmentsize returns an integer, the call declares {t!r}")
    return ConstantInt(t, HEADER_SIZE), None


LOWER = {A.AUTODIFF: lower_autodiff, A.AUGMENTFWD: lower_augmentfwd,
         A.REVERSE: lower_reverse, A.AUGMENTSIZE: lower_augmentsize}


def lower_call(mode: ReverseMode, caller, call, kind) -> str | None:
    plan = A.parse_call(mode.module, caller, call, kind)
    site = _Site(mode.module, caller, call)
    result, name = LOWER[kind](mode, site, plan)
    site.finish(result)
    return name


def is_entry_point_name(name: str) -> bool:
    return any(k in name for k in A.ENTRY_POINTS)
