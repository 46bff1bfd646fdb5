"""Replace each `__enzyme_fwddiff*` call by a call of the synthesized tangent function."""

from __future__ import annotations

import re

from ..ir import instructions as I
from ..ir.module import BasicBlock, Function, GlobalVariable
from ..ir.parser import no_gc
from ..ir.types import (I32, ArrayType, IdentifiedStructType, PointerType, StructType,
                        VectorType)
from ..ir.values import ConstantExpr, ConstantInt, Undef
from ..ir.values_walk_local import map_operands
from ..values_walk import referring_functions, unused_of
from . import abi
from .activity import dispatch
from .builder import zero_of
from .cloning import differentiated_functions
from .errors import COLLECTED, EnzymeABIError, located, raise_all
from .forward import ForwardMode
from .rules import default_registry
from .types_analysis import carries_tangent


def input_release(module, text: str = "") -> int | None:
    """The LLVM release the module most likely came from: the producer's, when the syntax
    allows it, else the oldest release whose syntax it is."""
    from ..detect import detect

    lo, hi, _ = detect(module, text)
    m = re.search(r"\b(?:clang|LLVM|rustc)[^0-9]*version (\d+)", module.producer or "")
    if m and lo <= int(m.group(1)) <= hi:
        return int(m.group(1))
    return lo


def _coerce(v, t, emit, err, opaque):
    """`v` as a value of parameter type `t` (C varargs promote float to double)."""
    if v.type == t:
        return v
    if v.type.is_pointer and t.is_pointer:
        if v.type.addrspace != t.addrspace:
            return emit(I.Cast("addrspacecast", t, [v]))
        return v if opaque else emit(I.Cast("bitcast", t, [v]))
    if v.type.is_float and t.is_float and not v.type.is_vector:
        op = "fptrunc" if v.type.bits > t.bits else "fpext"
        return emit(I.Cast(op, t, [v]))
    if v.type.is_int and t.is_int:
        op = "trunc" if v.type.bits > t.bits else "sext"
        return emit(I.Cast(op, t, [v]))
    raise err(f"an argument of type {v.type!r} cannot be passed as {t!r}")


def _returns_for(plan: abi.FwdDiffCall, call) -> str:
    ret = plan.function.fn_type.ret
    if (call.type.key() == "void" and plan.sret is None) or plan.noret \
            or not carries_tangent(ret):
        return "none"
    return "both" if plan.primal_return else "tangent"


def _leaves(t, path=()):
    """(index path, scalar type) of every scalar in aggregate type `t`, in memory order."""
    if isinstance(t, (StructType, IdentifiedStructType)):
        return [x for i, e in enumerate(t.elems) for x in _leaves(e, path + (i,))]
    if isinstance(t, ArrayType):
        return [x for i in range(t.count) for x in _leaves(t.elem, path + (i,))]
    return [(path, t)]


def _lanes_as(value, t, emit, err):
    """An `[N x T]` of tangents as the type the caller declared: a struct or array of N
    scalars (possibly nested, `{[N x double]}`), or a vector `<N x T>`."""
    lanes = value.type
    if isinstance(t, VectorType) and t.count == lanes.count and t.elem == lanes.elem:
        out = Undef(t)
        for k in range(lanes.count):
            e = emit(I.ExtractValue(lanes.elem, [value], [k]))
            out = emit(I.InsertElement("insertelement", t, [out, e, ConstantInt(I32, k)]))
        return out
    leaves = _leaves(t)
    if len(leaves) != lanes.count or any(lt != lanes.elem for _, lt in leaves):
        raise err(f"the call returns {t!r} but enzyme_width {lanes.count} gives "
                  f"{lanes.count} tangents of type {lanes.elem!r}: declare a struct or "
                  "array of those")
    out = Undef(t)
    for k, (path, _) in enumerate(leaves):
        e = emit(I.ExtractValue(lanes.elem, [value], [k]))
        out = emit(I.InsertValue(t, [out, e], list(path)))
    return out


def _sret_type(call):
    for a in call.arg_attrs[0]:
        if getattr(a, "kind", None) == "sret":
            return a.arg
    return None


def _store_result(value, slot, slot_type, emit, err, opaque):
    """Store the derivative's result into the caller's `sret` slot (same scalars in the
    same order: `[4 x double]` into a struct of four doubles)."""
    if slot_type is None:
        slot_type = slot.type.pointee
    if slot_type is None or [t for _, t in _leaves(slot_type)] != \
            [t for _, t in _leaves(value.type)]:
        raise err(f"the call returns {slot_type!r} in memory but the derivative is "
                  f"{value.type!r}")
    if not opaque:
        slot = emit(I.Cast("bitcast", PointerType(value.type, slot.type.addrspace), [slot]))
    emit(I.Store([value, slot], align=None))


def _replace_uses(function, old, new):
    """Every use of `old` in `function`, debug-info uses (dbg.value, #dbg_value) included."""
    def swap(v):
        return new if v is old else v

    if _uses is None:
        for b in function.blocks:
            for inst in b.instructions:
                map_operands(inst, swap, constants=False)
        return
    users = _uses.of(function)
    moved = users.pop(id(old), [])
    for inst in moved:
        if id(inst) not in _uses.removed:
            map_operands(inst, swap, constants=False)
    users.setdefault(id(new), []).extend(moved)


class CallerUses:
    """For one `differentiate_module` run: which instructions of each caller mention each
    value (as `map_operands` sees them: operands, callee, bundles, metadata), so that
    replacing the result of one `__enzyme_*` call does not rescan its caller (a caller of
    thousands of such calls would cost a scan per call). A caller is indexed at its first
    replacement; `splice_call` adds the instructions it puts in and records the call it
    takes out."""

    def __init__(self):
        self.callers: dict = {}  # id(function) -> (function, {id(value): [instruction]})
        self.removed: dict = {}  # id -> instruction spliced out of its caller

    def of(self, function) -> dict:
        entry = self.callers.get(id(function))
        if entry is None:
            entry = self.callers[id(function)] = (function, {})
            self.add(function, [i for b in function.blocks for i in b.instructions])
        return entry[1]

    def add(self, function, instructions):
        entry = self.callers.get(id(function))
        if entry is None:  # not indexed yet: indexed whole when first asked
            return
        users = entry[1]
        for inst in instructions:
            def note(v, inst=inst):
                users.setdefault(id(v), []).append(inst)
                return v
            map_operands(inst, note, constants=False)


# The use index of the differentiate_module run in progress (None outside one: a lone
# lowering scans its caller).
_uses: CallerUses | None = None


def lower_call(mode: ForwardMode, caller, call) -> str:
    """Differentiate the target of one `__enzyme_fwddiff` call and call the result."""
    module = mode.module
    plan = abi.parse_call(module, caller, call)

    def err(msg):
        return located(EnzymeABIError, module, caller, call, msg)

    activity = tuple(a.activity for a in plan.args)
    returns = _returns_for(plan, call)
    if plan.width > 1 and returns == "both":
        raise err("enzyme_primal_return with enzyme_width > 1 is not supported yet")
    pairs = [(f, mode.tangent_function(f, activity, returns, plan.width))
             for f in plan.candidates]
    dfn = pairs[0][1]

    block = call.parent
    before = []

    def emit(inst):
        inst.parent = block
        before.append(inst)
        return inst

    params = iter(dfn.fn_type.params)
    opaque = module.uses_opaque_pointers
    args = []
    for a in plan.args:
        args.append(_coerce(a.primal, next(params), emit, err, opaque))
        if a.activity != abi.CONST:
            pt = next(params)
            if plan.width == 1:
                args.append(_coerce(a.shadow, pt, emit, err, opaque))
                continue
            agg = Undef(pt)  # vector mode: the lanes' shadows as one [N x T]
            shadows = a.shadows if a.stride is None else \
                _strided(a.shadow, a.stride, plan.width, emit, opaque)
            for k, sh in enumerate(shadows):
                agg = emit(I.InsertValue(pt, [agg, _coerce(sh, pt.elem, emit, err, opaque)],
                                         [k]))
            args.append(agg)
    target = dispatch(emit, plan.function_value, pairs)
    new = emit(I.Call("call", dfn.fn_type.ret, dfn.fn_type, target, args, [[] for _ in args]))
    new.md = [(k, m) for k, m in call.md if k == "dbg"]  # the source line of the call
    result = new
    if plan.sret is not None:
        if returns != "none":
            _store_result(new, plan.sret, _sret_type(call), emit, err, opaque)
        result = None
    elif call.type.key() == "void":
        result = None
    elif returns == "none":
        result = zero_of(call.type) if carries_tangent(call.type) or call.type.is_int \
            else Undef(call.type)
    elif call.type != new.type:
        if plan.width > 1:
            result = _lanes_as(new, call.type, emit, err)
        elif call.type.is_float and new.type.is_float:
            result = emit(I.Cast("fpext" if call.type.bits > new.type.bits else "fptrunc",
                                 call.type, [new]))
        else:
            raise err(f"the call returns {call.type!r} but the derivative of "
                      f"@{plan.function.name} is {new.type!r}")
    splice_call(block, call, before)
    if result is not None:
        _replace_uses(caller, call, result)
    return ", ".join(d.name for _, d in pairs)


def _strided(base, stride, width, emit, opaque):
    """enzyme_dupv: the `width` lane shadows `base + k * stride` bytes (k = 0..width-1)."""
    from ..ir.types import I8

    i8p = PointerType(None if opaque else I8, base.type.addrspace)
    raw = base if opaque else emit(I.Cast("bitcast", i8p, [base]))
    out = [base]
    for k in range(1, width):
        off = emit(I.BinaryOp("mul", stride.type, [stride, ConstantInt(stride.type, k)]))
        p = emit(I.GetElementPtr(i8p, I8, [raw, off]))
        out.append(p if opaque else emit(I.Cast("bitcast", base.type, [p])))
    return out


def splice_call(block, call, replacement):
    """Put `replacement` where `call` was. An `invoke` (C++ with exceptions) becomes the
    replacement and a branch to its normal destination; the calls of the replacement that
    run user code (the derived functions) are invoked with the call's landing pad, so an
    exception thrown inside a gradient reaches the caller's `catch` (see `_invoke_derived`);
    without such a call the exception edge goes (phis of the landing block forget this
    block)."""
    pos = _position(block.instructions, call)
    if _uses is not None:
        _uses.removed[id(call)] = call
    if call.opcode == "invoke" and any(_may_unwind(i) for i in replacement):
        block.instructions[pos:pos + 1] = _invoke_derived(block, call, replacement)
        _last_splice[:] = [None, 0]
        return
    if call.opcode == "invoke":
        br = I.Br([], [call.normal])
        br.parent = block
        replacement = list(replacement) + [br]
    if _uses is not None:
        _uses.add(block.parent, replacement)
        unwind = call.unwind
        if unwind is not None and unwind is not call.normal:
            for phi in unwind.instructions:
                if not isinstance(phi, I.Phi):
                    break
                keep = [k for k, b in enumerate(phi.blocks) if b is not block]
                phi.ops = [phi.ops[k] for k in keep]
                phi.blocks = [phi.blocks[k] for k in keep]
    block.instructions[pos:pos + 1] = replacement
    _last_splice[:] = [block.instructions, pos + len(replacement)]


def _may_unwind(inst) -> bool:
    """A call of the replacement that runs user code: a derived function (directly or
    chosen by `dispatch`), not an intrinsic or the tape runtime."""
    if not isinstance(inst, I.Call):
        return False
    name = getattr(inst.callee, "name", None) if isinstance(inst.callee, Function) else None
    return name is None or not name.startswith(("llvm.", "__enzyme_compat_"))


def _invoke_derived(block, call, replacement) -> list:
    """The replacement's instructions up to its first user-code call, which becomes an
    `invoke` of the call's landing pad; the rest continues in new blocks after `block`
    (one per further user-code call), the last branching to the call's normal
    destination, whose phis now come from it. Returns what stays in `block`."""
    fn = block.parent
    at = fn.blocks.index(block) + 1
    taken = {b.name for b in fn.blocks}
    out = current = []
    last, k = block, 0
    if _uses is not None:
        _uses.add(fn, replacement)
    for inst in replacement:
        inst.parent = last
        current.append(inst)
        if not _may_unwind(inst):
            continue
        while f"enzyme.cont{k}" in taken:
            k += 1
        taken.add(f"enzyme.cont{k}")
        cont = BasicBlock(f"enzyme.cont{k}", parent=fn)
        fn.blocks.insert(at, cont)
        at += 1
        inst.opcode, inst.normal, inst.unwind, inst.tail = "invoke", cont, call.unwind, ""
        current, last = cont.instructions, cont
    br = I.Br([], [call.normal])
    br.parent = last
    current.append(br)
    if _uses is not None:
        _uses.add(fn, [br])
    for phi in call.normal.instructions:
        if not isinstance(phi, I.Phi):
            break
        phi.blocks = [last if b is block else b for b in phi.blocks]
    return out


# Where the previous splice ended: the calls of a module are lowered in order, so the next
# one of the same block is searched from there (a caller of thousands of calls in one block
# would otherwise cost a scan of the block per call).
_last_splice: list = [None, 0]


def _position(instructions: list, inst) -> int:
    last, start = _last_splice
    if last is instructions and start <= len(instructions):
        try:
            return instructions.index(inst, start)
        except ValueError:
            pass
    return instructions.index(inst)


def _abi_symbols(module) -> dict:
    """id -> each `__enzyme_*` declaration and `enzyme_*` marker global of `module`."""
    out = {id(f): f for f in module.functions if f.is_declaration and _entry_point_name(f.name)}
    out.update((id(g), g) for g in module.globals if g.name in abi.MARKERS)
    return out


def _cleanup(module, referring: set | None = None):
    """Drop the `__enzyme_*` declarations and marker loads/globals nothing uses any more
    (an `extern int enzyme_dup;` left behind would not link). `referring`: the ids of
    the functions that used them before lowering; the uses left can only be in those,
    or in functions derived from one of those (derived functions copy the instructions
    of the functions they are derived from only), so only those are searched then."""
    scope = module.functions
    if referring is not None and not referring & differentiated_functions(module).keys():
        scope = [f for f in module.functions if id(f) in referring]
    symbols = _abi_symbols(module)
    Load = I.Load
    marker_ids = {k for k, v in symbols.items() if isinstance(v, GlobalVariable)}
    casts = (ConstantExpr, I.Cast)  # typed IR loads a marker through a cast
    for f in scope if marker_ids else ():
        markers = [i for b in f.blocks for i in b.instructions
                   if type(i) is Load and (id(i.ops[0]) in marker_ids or isinstance(i.ops[0], casts))
                   and _marker_load(i)]
        if not markers:  # most functions: no use-set to build
            continue
        used = set()
        for b in f.blocks:
            for inst in b.instructions:
                used.update(map(id, I.value_operands(inst)))
        dead = {id(i) for i in markers if id(i) not in used}
        if dead:
            for b in f.blocks:
                b.instructions = [i for i in b.instructions if id(i) not in dead]
    unused = {k: v for k, v in symbols.items()  # markers the module defines stay
              if not isinstance(v, GlobalVariable) or v.initializer is None}
    if unused:
        unused = unused_of(module, unused, scope)
        module.functions = [f for f in module.functions if id(f) not in unused]
        module.globals = [g for g in module.globals if id(g) not in unused]
    live = {id(x) for x in module.functions} | {id(x) for x in module.globals}
    for name, v in list(module.symbols.items()):
        if (_entry_point_name(name) or name in abi.MARKERS) and id(v) not in live:
            del module.symbols[name]


def _marker_load(i) -> bool:
    """A non-volatile load of an `enzyme_*` marker global."""
    if type(i) is not I.Load or "volatile" in i.flags:
        return False
    g = abi.strip_casts(i.ops[0])
    return isinstance(g, GlobalVariable) and g.name in abi.MARKERS


def _entry_point_name(name: str) -> bool:
    from .abi_reverse import ENTRY_POINTS

    return abi.FWDDIFF in name or any(k in name for k in ENTRY_POINTS)


def differentiate_module(module, release: int | None = None, registry=None,
                         loose_types: bool = False) -> list[str]:
    """Lower every `__enzyme_fwddiff*`, `__enzyme_autodiff*` and split-mode call of
    `module` in place; returns the names of the synthesized functions, one per call.
    `loose_types`: integers whose bits type analysis cannot place are taken for integers
    instead of reported."""
    global _uses
    outer = _uses
    _uses = CallerUses()
    try:
        with no_gc():  # many small objects and next to no garbage: collection passes only cost time
            return _differentiate_module(module, release, registry, loose_types)
    finally:
        _uses = outer
        _last_splice[:] = [None, 0]  # it would keep the module's last block, and so all of it, alive


def _differentiate_module(module, release, registry, loose_types) -> list[str]:
    from . import abi_reverse, driver_reverse
    from .reverse import ReverseMode

    registry = registry or default_registry(release)
    mode = ForwardMode.of(module, registry, loose_types)
    rmode = ReverseMode.of(module, registry, loose_types)
    calls = [(caller, call, abi.FWDDIFF) for caller, call in abi.find_calls(module)]
    calls += abi_reverse.find_calls(module)
    # the functions that use the ABI's symbols before any is lowered: the cleanup looks
    # for what is left of those uses in them (and everywhere when one is differentiated)
    referring = referring_functions(module.functions, _abi_symbols(module)) if calls else None
    names, problems = [], []
    for caller, call, kind in calls:
        try:
            if kind == abi.FWDDIFF:
                names.append(lower_call(mode, caller, call))
            else:
                name = driver_reverse.lower_call(rmode, caller, call, kind)
                if name is not None:
                    names.append(name)
        except COLLECTED as e:  # the other calls may have problems of their own: list all
            problems.append(e)
    raise_all(problems)
    _cleanup(module, referring)
    return names


def fwddiff(module, name: str, activity=None, returns: str = "tangent",
            release: int | None = None, registry=None, width: int = 1,
            loose_types: bool = False) -> str:
    """Synthesize the tangent function of `@name` and return its name.

    `activity`: one entry per parameter, "dup"/"dupnoneed"/"const" (or the `enzyme_*`
    spellings); by default pointers and floats are duplicated, the rest constant.
    `width` > 1: vector mode, each tangent/shadow passed and returned as `[width x T]`."""
    fn = module.get_function(name)
    if fn is None or fn.is_declaration:
        raise EnzymeABIError(f"no function @{name} with a body in this module")
    params = fn.fn_type.params
    if activity is None:
        activity = [abi.default_activity(t) for t in params]
    activity = [a.removeprefix("enzyme_") for a in activity]
    if len(activity) != len(params) or any(a not in (abi.DUP, abi.DUPNONEED, abi.CONST)
                                           for a in activity):
        raise EnzymeABIError(f"activity for @{name} must give dup/dupnoneed/const for each "
                             f"of its {len(params)} parameters, got {activity!r}")
    mode = ForwardMode.of(module, registry or default_registry(release), loose_types)
    return mode.tangent_function(fn, tuple(activity), returns, width).name


def autodiff(module, name: str, activity=None, release: int | None = None, registry=None,
             loose_types: bool = False) -> str:
    """Synthesize the gradient of `@name` (reverse mode) and return the name of
    `diffe_<name>(x0, [dx0], ...)`: each parameter followed by its shadow when duplicated;
    it returns the adjoints of the active ("out") parameters as a struct (void when there
    are none), a float result seeded with 1. `activity`: one of "out"/"dup"/"const" per
    parameter (or the `enzyme_*` spellings); by default floats are out, pointers dup."""
    from .abi_reverse import default_activity
    from .reverse import ReverseMode, reverse_activity
    from .types_analysis import holds_float

    fn = module.get_function(name)
    if fn is None or fn.is_declaration:
        raise EnzymeABIError(f"no function @{name} with a body in this module")
    params = fn.fn_type.params
    if activity is None:
        activity = [default_activity(t) for t in params]
    activity = [a.removeprefix("enzyme_") for a in activity]
    if len(activity) != len(params) or any(a not in ("out", "dup", "dupnoneed", "const")
                                           for a in activity):
        raise EnzymeABIError(f"activity for @{name} must give out/dup/dupnoneed/const for "
                             f"each of its {len(params)} parameters, got {activity!r}")
    acts = tuple(reverse_activity(a, t) for a, t in zip(activity, params))
    ret = fn.fn_type.ret
    mode = ReverseMode.of(module, registry or default_registry(release), loose_types)
    return mode.combined(fn, acts, holds_float(ret) and not ret.is_pointer).name
