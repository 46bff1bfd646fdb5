"""Forward mode: synthesize the tangent function of a primal function.

`fwddiffe_<name>(x0, dx0, x1, ...)` takes each primal argument followed by its tangent
(floats) or shadow (pointers) when that argument is duplicated, and returns what its
caller asks for: the tangent of the result, the primal result, both as `{T, T}`, or
nothing.

Vector mode (width N > 1) computes N tangents in one pass. At the function boundary a
tangent or shadow of type T is an array `[N x T]` (one element per direction: `dx` is
`[N x double]`, a pointer's shadows `[N x ptr]`), and the result's tangents come back as
`[N x T]` (`{T, [N x T]}` with the primal). Inside, each direction ("lane") keeps its own
tangent values: every rule runs once per lane on that lane's tangents, so rules are the
same for every width. The body is the primal body (cloned), with tangent code emitted after each active
instruction by the rule registry. Calls to other functions of the module are
differentiated recursively, memoised per (function, argument activity, return kind).
"""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.module import BasicBlock, Function
from ..ir.types import VOID, ArrayType, FunctionType, StructType
from ..ir.values import Argument, ConstantExpr, ConstantInt, Undef
from .abi import CONST
from .headers import data_pointer
from .activity import (ActivityAnalysis, allocation_like, called_function, dispatch,
                       known_functions, known_map, open_fallback, rule_name,
                       user_candidates)
from .custom import custom_rules
from .indirect import call_type, retyped
from .builder import TangentBuilder, zero_of
from .cloning import BodyCloner, body_to_differentiate, block_order, derived_name, is_debug, per_module
from .errors import (COLLECTED, DifferentiationError, NoDerivativeError, TypeAnalysisError,
                     UnsupportedInstructionError, describe, located, no_derivative_message,
                     raise_all)
from .sincos import fuse_pairs
from .types_analysis import FLOAT, UNKNOWN, IntegerBits, carries_tangent, holds_float

RETURNS = ("tangent", "both", "primal", "none")
_TERMINATORS_CLONED = ("br", "switch", "unreachable", "resume")


def wide(t, width: int):
    """The boundary type of `width` tangents of type `t`."""
    return t if width == 1 else ArrayType(width, t)


def return_type(primal: Function, returns: str, width: int = 1):
    t = primal.fn_type.ret
    if returns == "none":
        return VOID
    if returns == "both":
        return StructType([t, wide(t, width)])
    if returns == "tangent":
        return wide(t, width)
    return t


class ForwardMode:
    """Tangent functions of one module; memoised per (function, activity, returns)."""

    def __init__(self, module, registry, loose_types: bool = False):
        self.module = module
        self.registry = registry
        self.loose_types = loose_types  # integer bits of unknown origin are integers
        self.cache: dict[tuple, Function] = {}

    def tangent_function(self, primal: Function, activity: tuple, returns: str,
                         width: int = 1, known: tuple = ()) -> Function:
        """`known`: function-pointer parameters and the functions they are at the call
        sites (the tangent is specialized for them)."""
        activity = tuple("dup" if a != CONST else CONST for a in activity)
        key = (primal.name, activity, returns, width, known)
        fn = self.cache.get(key)
        if fn is not None:
            return fn
        if returns not in RETURNS:
            raise DifferentiationError(f"unknown return kind {returns!r}")
        if primal.fn_type.vararg:
            raise located(UnsupportedInstructionError, self.module, primal, None,
                          "variadic functions cannot be differentiated yet")
        if returns in ("tangent", "both") and not carries_tangent(primal.fn_type.ret):
            raise located(DifferentiationError, self.module, primal, None,
                          "the result has no derivative (it is not a float or pointer)")
        if width < 1:
            raise DifferentiationError(f"width {width}: must be at least 1")
        fn = self._declare_tangent(primal, activity, returns, width)
        self.cache[key] = fn
        try:
            fs = FunctionSynthesis(self, primal, fn, activity, returns, width, known)
            fs.run()
        except BaseException:  # leave no half-built function behind
            del self.cache[key]
            self.module.functions.remove(fn)
            self.module.symbols.pop(fn.name, None)
            raise
        # sin(x) beside the cos(x) of its tangent: one sincos
        fuse_pairs(self.module, fn, fs.__dict__.get("sincos_pairs", {}).values())
        return fn

    @classmethod
    def of(cls, module, registry, loose_types: bool = False) -> "ForwardMode":
        """The module's ForwardMode for `registry` (one memo table per module)."""
        return per_module(cls, module, registry, loose_types)

    def _declare_tangent(self, primal, activity, returns, width) -> Function:
        base = derived_name(primal.name, "fwddiffe_")
        name, k = base, 0
        while name in self.module.symbols:
            k += 1
            name = derived_name(base, suffix=f".{k}")
        params = []
        for a, act in zip(primal.args, activity):
            params.append(a.type)
            if act != CONST:
                params.append(wide(a.type, width))
        fn = Function(name, FunctionType(return_type(primal, returns, width), params))
        fn.pre = ["internal"]
        fn.personality = primal.personality  # landing pads are cloned
        fn.is_declaration = False
        fn.defined = True
        self.module.functions.append(fn)
        self.module.symbols[name] = fn
        return fn


class FunctionSynthesis(BodyCloner):
    """Builds the body of one tangent function."""

    def __init__(self, mode: ForwardMode, primal: Function, fn: Function, activity, returns,
                 width: int = 1, known: tuple = ()):
        # the body differentiated: a copy with its local variables promoted to registers
        super().__init__(body_to_differentiate(mode.module, primal), fn)
        primal = self.primal
        self.mode = mode
        self.width = width
        self.lanes: list[dict] = [{} for _ in range(width)]  # per lane: value -> tangent
        self.lane = 0
        self.module = mode.module
        self.registry = mode.registry
        self.returns = returns
        args, active_args, self.wide_args = [], [], []
        for a, act in zip(primal.args, activity):
            na = Argument(a.type, a.name)
            args.append(na)
            self.vmap[a] = na
            if act != CONST:
                sa = Argument(wide(a.type, width), None)
                args.append(sa)
                if width == 1:
                    self.tmap[a] = sa
                else:
                    self.wide_args.append((a, sa))
                active_args.append(a)
        for i, a in enumerate(args):
            a.function, a.index = fn, i
        fn.args = args
        self.known = known_map(primal, self.module, known)
        self.custom = custom_rules(self.module)
        self.activity = ActivityAnalysis(primal, active_args, self.registry, self.known,
                                         self.custom, through_calls=True,
                                         shadow_return=returns in ("both", "tangent"))
        self.integer_bits = IntegerBits(self.module, primal, self.activity)
        self._active_ptrtoint = None
        self._users = None
        fn.blocks = [self.bmap[b] for b in primal.blocks]
        self.phis: list = []
        self.unwinding = None  # (continuation, landing pad) while an invoke is placed
        self.split_edges: list = []  # (block of an invoke, its continuation, normal dest)
        self.problems: list = []  # located errors of instructions refused so far

    # ------------------------------------------------------------------ helpers
    @property
    def tmap(self) -> dict:
        """primal value -> its tangent / shadow in the current lane."""
        return self.lanes[self.lane]

    def each_lane(self, fn):
        """Run `fn(lane)` with each lane current in turn."""
        try:
            for k in range(self.width):
                self.lane = k
                fn(k)
        finally:
            self.lane = 0

    def pack(self, v, nb):
        """The tangents of `v` in every lane as one `[N x T]` value (zeros where none)."""
        t = wide(v.type, self.width)
        agg = Undef(t)
        for k in range(self.width):
            d = self.lanes[k].get(v)
            agg = nb.append(I.InsertValue(t, [agg, d if d is not None else zero_of(v.type)],
                                          [k]))
        return agg

    def unpack(self, primal_value, agg, nb):
        """Set the tangent of `primal_value` in every lane from an `[N x T]` value."""
        for k in range(self.width):
            self.lanes[k][primal_value] = nb.append(
                I.ExtractValue(primal_value.type, [agg], [k]))

    def error(self, cls, inst, message):
        return located(cls, self.module, self.primal, inst, message)

    def tangent(self, v):
        return self.tmap.get(v)

    # --------------------------------------------------------------------- body
    def run(self):
        if not self.primal.blocks:
            raise self.error(DifferentiationError, None, "the function has no body")
        self.clone_all()
        entry = self.bmap[self.primal.blocks[0]]
        for a, sa in self.wide_args:
            self.unpack(a, sa, entry)
        try:
            for b in block_order(self.primal):
                self._block(b)
        except Exception as e:  # after a refused instruction, an error it caused
            raise_all(self.problems, e)
            raise
        raise_all(self.problems)
        for nb, cont, normal in self.split_edges:  # phis of a normal destination
            for phi in normal.instructions:
                if isinstance(phi, I.Phi):
                    phi.blocks = [cont if b is nb else b for b in phi.blocks]
        self.each_lane(lambda k: self._fill_phis())

    def _block(self, pb):
        nb = self.bmap[pb]
        for inst in pb.instructions:
            if is_debug(inst):
                continue
            c = self.vmap[inst]
            if isinstance(inst, I.Phi):
                nb.append(c)
                self.phis.append(inst)
                if self.activity.is_active(inst):
                    for lane in self.lanes:
                        lane[inst] = nb.append(I.Phi(inst.type, [], []))
                continue
            self.remap(c)
            try:
                self._instruction_of_block(inst, c, nb)
            except COLLECTED as e:  # go on: report every refused instruction at once
                self.problems.append(e)

    def _instruction_of_block(self, inst, c, nb):
        if inst.opcode == "ret":
            self._return(inst, nb)
        elif inst.opcode == "invoke":
            self._invoke(inst, c, nb)
        elif inst.is_terminator:
            if inst.opcode not in _TERMINATORS_CLONED:
                raise self.error(UnsupportedInstructionError, inst,
                                 f"`{inst.opcode}` is not supported in forward mode yet")
            nb.append(c)
        elif isinstance(inst, I.Call):
            self._call(inst, c, nb)
        else:
            nb.append(c)
            self._instruction(inst, c, nb)

    def _invoke(self, inst, c, nb):
        """An `invoke`: differentiated like a call, the call replacing it (the primal's,
        or the tangent function's) invoked with the same landing pad, and the tangent
        code after it in a new block on the normal edge (a continuation block before
        the normal destination, whose phis now name it)."""
        pb = inst.parent
        cont = BasicBlock(derived_name(pb.name, suffix=".fwd"), parent=self.fn)
        self.fn.blocks.insert(self.fn.blocks.index(nb) + 1, cont)
        c.opcode, c.normal, c.unwind = "call", None, None  # placed by `place`
        self.unwinding = (cont, self.bmap[inst.unwind])
        self._call(inst, c, nb)
        if self.unwinding is not None:
            raise self.error(DifferentiationError, inst, "internal: the invoke was not placed")
        normal = self.bmap[inst.normal]
        cont.append(I.Br([], [normal]))
        self.split_edges.append((nb, cont, normal))

    def place(self, call, nb):
        """Append the call standing for the primal call to `nb`; returns the block tangent
        code continues in (the continuation block when the primal call was an invoke)."""
        nb.append(call)
        if self.unwinding is None:
            return nb
        cont, pad = self.unwinding
        self.unwinding = None
        call.opcode, call.normal, call.unwind, call.tail = "invoke", cont, pad, ""
        return cont

    def _fill_phis(self):
        for phi in self.phis:
            c = self.vmap[phi]
            c.ops = [self.new(v) for v in phi.ops]
            tphi = self.tmap.get(phi)
            if tphi is None:
                for v in phi.ops:
                    if self.tangent(v) is not None:
                        raise self.error(DifferentiationError, phi,
                                         "internal: activity analysis missed an active "
                                         "incoming value of this phi")
                continue
            tphi.ops = [self.tangent(v) or zero_of(phi.type) for v in phi.ops]
            tphi.blocks = list(c.blocks)

    def _run_rule(self, rule, inst, c, nb, args, operands):
        """The rule once per lane, with that lane's tangents of `operands`."""
        def run(k):
            b = TangentBuilder(self, inst, c, nb)
            t = rule.tangent(b, args, [self.tangent(v) for v in operands])
            if t is not None:
                self.tmap[inst] = t
        self.each_lane(run)

    def _instruction(self, inst, c, nb):
        if inst.opcode == "inttoptr" and self._rebuilds_active_pointer(inst.ops[0]):
            raise self.error(UnsupportedInstructionError, inst,
                             "a pointer rebuilt from an integer (ptrtoint ... inttoptr) "
                             "would lose the shadow of the active memory it points to")
        dargs = [self.tangent(v) for v in inst.ops]
        if not self.activity.is_active(inst) and all(d is None for d in dargs):
            return
        rule = self.registry.instruction(inst.opcode)
        if rule is None:
            raise self.error(UnsupportedInstructionError, inst,
                             f"no forward derivative rule for `{inst.opcode}` and its "
                             "operands carry derivatives")
        if not rule.inactive:
            self._run_rule(rule, inst, c, nb, c.ops, inst.ops)
        else:
            self._check_dropped_bits(inst)

    def _check_dropped_bits(self, inst):
        """An instruction without derivative whose integer operand carries shadow bits:
        right when those bits are an integer's (type analysis says so), or when what is
        computed from them never becomes a float again (a comparison, an index, a
        conversion to a float number: piecewise constant, derivative zero)."""
        if inst.opcode in ("icmp", "ptrtoint", "ptrtoaddr", "sitofp", "uitofp"):
            return
        carried = [v for v in inst.ops
                   if self.tangent(v) is not None and v.type.scalar.is_int]
        if not carried or not self._reaches_float_bits(inst):
            return
        for v in carried:
            kind = self.integer_bits.kind(v)
            what = f"`{describe(v)}`" if isinstance(v, I.Instruction) else "an operand"
            if kind == FLOAT:
                raise self.error(UnsupportedInstructionError, inst,
                                 f"integer `{inst.opcode}` on the bits of a float ({what}): "
                                 "its derivative would be lost")
            if kind == UNKNOWN and not self.mode.loose_types:
                raise self.error(TypeAnalysisError, inst,
                                 f"cannot deduce whether {what} holds an integer or the bits "
                                 "of a float (no TBAA type, no typed field); pass "
                                 "--loose-types to treat it as an integer")

    def _reaches_float_bits(self, inst) -> bool:
        """Whether the integer `inst` computes may become float bits again: bitcast to a
        float type, stored into memory with a shadow, or passed to a call."""
        if self._users is None:
            self._users = {}
            for b in self.primal.blocks:
                for i in b.instructions:
                    for v in I.value_operands(i):
                        self._users.setdefault(id(v), []).append(i)
        seen, stack = set(), [inst]
        while stack:
            v = stack.pop()
            if id(v) in seen:
                continue
            seen.add(id(v))
            for u in self._users.get(id(v), ()):
                if isinstance(u, I.Store):
                    if u.ops[0] is v and self.activity.is_active(u.ops[1]):
                        return True
                elif isinstance(u, I.Call):
                    if not is_debug(u):
                        return True
                elif u.opcode in ("bitcast", "insertvalue", "insertelement", "ret") \
                        and holds_float(u.type):
                    return True
                elif u.opcode == "ret" or isinstance(u, (I.AtomicRMW, I.CmpXchg)):
                    return True
                elif u.type.scalar.is_int or u.opcode in ("bitcast", "insertvalue",
                                                          "insertelement", "shufflevector"):
                    stack.append(u)  # integer arithmetic, phi, select, aggregates
        return False

    def _rebuilds_active_pointer(self, v) -> bool:
        """Whether integer `v` is computed from a `ptrtoint` of a pointer with a shadow."""
        seen, stack = set(), [v]
        while stack:
            x = stack.pop()
            if id(x) in seen or not isinstance(x, (I.Instruction, ConstantExpr)):
                continue
            seen.add(id(x))
            if x.opcode in ("ptrtoint", "ptrtoaddr"):
                src = x.ops[0]
                if self.activity.is_active(src) or self.tangent(src) is not None:
                    return True
                continue
            if isinstance(x, (I.BinaryOp, I.Cast, I.Select, I.Phi, ConstantExpr)):
                stack.extend(x.ops)
            elif isinstance(x, (I.Load, I.Call)) and self._stores_active_address():
                return True  # the integer went through memory: assume the worst
        return False

    def _stores_active_address(self) -> bool:
        """Whether this function turns a pointer with a shadow into an integer anywhere."""
        if self._active_ptrtoint is None:
            self._active_ptrtoint = any(
                i.opcode in ("ptrtoint", "ptrtoaddr") and self.activity.is_active(i.ops[0])
                for b in self.primal.blocks for i in b.instructions)
        return self._active_ptrtoint

    def _call(self, inst, c, nb):
        kind = self.activity.kind(inst)
        dargs = [self.tangent(v) for v in inst.args]
        if kind == "inactive" or (all(d is None for d in dargs)
                                  and not self.activity.is_active(inst)
                                  and not self.activity.communicates(inst)):
            self.place(c, nb)
            return
        callee = called_function(inst)
        if kind == "custom" and callee.name in self.custom.derivatives:
            self._custom_call(inst, c, nb, *self.custom.derivatives[callee.name])
            return
        if kind == "user" or (kind == "custom" and not callee.is_declaration):
            self._user_call(inst, c, nb, user_candidates(inst, self.known), dargs)
            return
        if kind == "allocation" and callee is not None and \
                allocation_like(self.registry, self.custom, callee.name) is not None:
            nb = self.place(c, nb)
            self._custom_allocation(inst, c, nb, callee)
            return
        rule = None
        if kind in ("rule", "allocation", "free") and callee is not None:
            name = rule_name(self.custom, callee)
            rule = (self.registry.intrinsic(name) if name.startswith("llvm.")
                    else self.registry.function(name))
        if rule is None:
            if kind == "free":  # a registered deallocator: the shadow goes through it too
                nb = self.place(c, nb)

                def release(lane):
                    d = self.tangent(inst.args[0]) if inst.args else None
                    if d is not None:
                        TangentBuilder(self, inst, c, nb).clone([d, *c.args[1:]])
                self.each_lane(release)
                return
            raise self.error(NoDerivativeError, inst, no_derivative_message(callee, inst))
        nb = self.place(c, nb)
        if not rule.inactive:
            self._run_rule(rule, inst, c, nb, c.args, inst.args)

    def _custom_allocation(self, inst, c, nb, callee):
        """A registered allocator: a zeroed shadow of the size its size arguments give."""
        if not self.activity.is_active(inst):
            return
        from ..ir.types import I1, I8, I64

        indices, free_name, data_field, _ = allocation_like(self.registry, self.custom,
                                                         callee.name)
        size = None
        for k in indices:
            v = c.args[k]
            if v.type != I64:
                v = nb.append(I.Cast("zext", I64, [v]))
            size = v if size is None else nb.append(I.BinaryOp("mul", I64, [size, v]))

        def run(lane):
            b = TangentBuilder(self, inst, c, nb)
            if free_name is None:
                self.tmap[inst] = b.libcall("calloc", inst.type, [size, ConstantInt(I64, 1)])
                return
            shadow = b.clone(list(c.args))  # the same allocator, zeroed (its data)
            data = shadow if data_field is None else data_pointer(b.emit, shadow, data_field)
            b.intrinsic("memset", [data.type, I64], VOID,
                        [data, ConstantInt(I8, 0), size, ConstantInt(I1, 0)])
            self.tmap[inst] = shadow
        self.each_lane(run)

    def _custom_call(self, inst, c, nb, fwd, aug):
        """A registered forward derivative: `fwd(x0, dx0, ...)` (each float or pointer
        argument followed by its tangent or shadow; the tape of `aug` last, for a split
        derivative) returns the tangent of the result."""
        if self.width != 1:
            raise self.error(UnsupportedInstructionError, inst,
                             "a registered derivative cannot be used in vector mode")
        nb = self.place(c, nb)
        args = []
        for a, v in zip(inst.args, c.args):
            args.append(v)
            if a.type.is_pointer or holds_float(a.type):
                d = self.tangent(a)
                if d is None and a.type.is_pointer:
                    raise self.error(DifferentiationError, inst,
                                     f"the registered derivative @{fwd.name} takes a shadow "
                                     "for every pointer argument, and this one has none")
                args.append(d if d is not None else zero_of(a.type))
        if aug is not None:
            pre = list(args)
            tape = nb.append(I.Call("call", aug.fn_type.ret, aug.fn_type, aug, pre,
                                    [[] for _ in pre]))
            args.append(tape)
        if len(fwd.fn_type.params) != len(args):
            raise self.error(DifferentiationError, inst,
                             f"the registered derivative @{fwd.name} takes "
                             f"{len(fwd.fn_type.params)} parameters; Enzyme's convention "
                             f"gives it {len(args)} here (each float or pointer argument "
                             "followed by its tangent)")
        args = [a if a.type == t else nb.append(I.Cast("bitcast", t, [a]))
                for a, t in zip(args, fwd.fn_type.params)]
        t = nb.append(I.Call("call", fwd.fn_type.ret, fwd.fn_type, fwd, args,
                             [[] for _ in args]))
        if holds_float(inst.type) and t.type == inst.type:
            self.tmap[inst] = t

    def _user_call(self, inst, c, nb, callees, dargs):
        """A call of a function of this module (or of one of several known ones through a
        function pointer): its tangent function, memoised per activity."""
        callee = callees[0]
        self.check_user_call(inst, callee, unwinds=True)
        activity = tuple("dup" if d is not None else CONST for d in dargs)
        if inst.type == VOID:
            returns = "none"
        elif self.activity.is_active(inst):
            returns = "both"
        else:
            returns = "primal"
        known = known_functions(inst.args, self.known)
        pairs = [(f, self.mode.tangent_function(f, activity, returns, self.width, known))
                 for f in callees]
        dfn = pairs[0][1]
        target = dispatch(nb.append, c.callee, pairs,
                          open_fallback(self.module, inst, self.known, dfn))
        args = []
        for a, pa, d in zip(c.args, inst.args, dargs):
            args.append(a)
            if d is not None:
                args.append(d if self.width == 1 else self.pack(pa, nb))
        ct = call_type(dfn.fn_type, args)
        call = I.Call("call", ct.ret, ct, retyped(target, ct, nb.append), args,
                      [[] for _ in args])
        nb = self.place(call, nb)
        if returns == "both":
            self.vmap[inst] = nb.append(I.ExtractValue(inst.type, [call], [0]))
            t = nb.append(I.ExtractValue(dfn.fn_type.ret.elems[1], [call], [1]))
            if self.width == 1:
                self.tmap[inst] = t
            else:
                self.unpack(inst, t, nb)
        elif returns == "primal":
            self.vmap[inst] = call

    def _return(self, inst, nb):
        v = inst.ops[0] if inst.ops else None
        if self.returns == "none" or v is None:
            nb.append(I.Ret([]))
            return
        t = self.tangent(v) if self.width == 1 else self.pack(v, nb)
        if self.returns == "primal":
            nb.append(I.Ret([self.new(v)]))
        elif self.returns == "tangent":
            nb.append(I.Ret([t if t is not None else zero_of(v.type)]))
        else:
            st = self.fn.fn_type.ret
            agg = nb.append(I.InsertValue(st, [Undef(st), self.new(v)], [0]))
            agg = nb.append(I.InsertValue(st, [agg, t if t is not None else
                                               zero_of(st.elems[1])], [1]))
            nb.append(I.Ret([agg]))
