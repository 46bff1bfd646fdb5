"""Reverse mode: the gradient of a primal function as an augmented forward sweep and a
reverse sweep sharing a tape.

For each (function, activity, return activity) two internal functions are synthesized:

- `augmented_<f>(tape, x0, [dx0], ...)` runs the primal, builds the shadows of pointers
  (allocations get zeroed shadows, pointers stored in memory get their shadows stored in
  shadow memory) and pushes onto the tape every forward value the reverse sweep needs;
  it returns the primal result (with its shadow when it is a pointer).
- `reverse_<f>(tape, x0, [dx0], ..., [dret])` visits the executed instructions in the
  opposite order (the block trace is replayed from predecessor indices on the tape),
  accumulates adjoints (of SSA values in SSA values or stack slots, reverse_adjoints.py;
  of memory in the shadows) and returns the adjoints of the active scalar arguments as a
  struct.

Calls to other functions of the module call their augmented function in the forward sweep
and their reverse function at the mirrored point of the reverse sweep, on the same tape.
`__enzyme_autodiff` calls a third function that allocates the tape, runs both with the
return seeded with 1 and frees the tape; there the two halves are one function
(combined.py), whose reverse code reads the forward values that dominate it directly.
Split mode (`__enzyme_augmentfwd`, `__enzyme_reverse`) calls the two halves itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..ir import instructions as I
from ..ir.attributes import Attr
from ..ir.module import BasicBlock, Function
from ..ir.types import (I1, I32, I64, VOID, ArrayType, FunctionType, IdentifiedStructType,
                        StructType, VectorType)
from ..ir.values import (Argument, ConstantAggregate, ConstantExpr, ConstantInt, ConstantNull,
                         Poison, Undef)
from . import tape as T
from .tape_reserve import index_loop_records, natural_loops, reserve_loops
from .activity import ActivityAnalysis, known_map
from .custom import custom_rules, inactive_memory
from .builder import adjoint_zero, zero_of
from .lanes import partial_lanes
from .combined import merge_sweeps
from .cloning import BodyCloner, block_order_and_reach, body_to_differentiate, derived_name, per_module
from .errors import (COLLECTED, DifferentiationError, ShadowError, TypeAnalysisError,
                     UnsupportedInstructionError, located, raise_all)
from .reverse_adjoints import AdjointStorage
from .reverse_aggregates import PointerAggregates, holds_pointer
from .reverse_custom import CustomCalls
from .reverse_float_bits import FloatBits
from .reverse_loops import LoopRecords
from .reverse_paths import PathChoice
from .reverse_records import TapeRecords
from .sincos import fuse_pairs, place_partners
from .reverse_invoke import Unwinding
from .reverse_memory import ShadowMemory
from .reverse_builder import LazyOperands, ReverseBuilder
from .reverse_calls import CONST, DUP, OUT, CallSweeps, FromForward
from .types_analysis import FLOAT, INT, IntegerBits, holds_float

_TERMINATORS_CLONED = ("br", "switch", "unreachable")
# Pure and cheap: recomputed in the reverse sweep when their operands need no tape.
def reverse_activity(activity: str, t) -> str:
    """Enzyme's argument kinds folded to ours: active scalars (`enzyme_out`) are OUT,
    duplicated pointers DUP (`dupnoneed` too), the rest CONST."""
    if activity in ("dup", "dupnoneed"):
        return DUP
    if activity == "out":
        return OUT
    return CONST


@dataclass
class Gradient:
    """The two halves of one function's gradient."""
    primal: Function
    activity: tuple
    ret_active: bool
    augmented: Function
    reverse: Function
    outs: list = field(default_factory=list)  # indices of OUT parameters, in order
    ret_shadow: bool = False  # the augmented function returns {primal, shadow}
    known: tuple = ()  # (parameter index, function names) known at the call sites
    nofree: bool = False  # the reverse sweep keeps shadow memory (enzyme_nofree)
    # run by several threads at once (an OpenMP region): shadow memory accumulates
    # adjoints with atomic adds (see ReverseBuilder.add_to_memory)
    atomic: bool = False
    # the augmented and reverse functions run back to back (`__enzyme_autodiff`): loads
    # of memory nothing writes afterwards are repeated rather than taped (reload.py), and
    # the two are merged into one function (combined.py)
    reload: bool = False


def _gradient_key(primal, activity: tuple, ret_active: bool, known: tuple = (), nofree: bool = False,
                  atomic: bool = False, reload: bool = False) -> tuple:
    """What `ReverseMode.gradient` memoises a Gradient by."""
    return (primal.name, activity, ret_active, known, nofree, atomic, reload)


class ReverseMode:
    """Gradients of one module; memoised per (function, activity, return activity)."""

    def __init__(self, module, registry, loose_types: bool = False):
        self.module = module
        self.registry = registry
        self.loose_types = loose_types
        self.cache: dict[tuple, Gradient] = {}
        self.combined_cache: dict[tuple, Function] = {}
        self.opaque = module.uses_opaque_pointers
        self.tape = T.Tape(module, self.runtime, self.opaque)

    @classmethod
    def of(cls, module, registry, loose_types: bool = False) -> "ReverseMode":
        return per_module(cls, module, registry, loose_types)

    def runtime(self):
        """The tape functions of the module (added on first use), kept while the module
        still has them: asked for at every tape push and pop."""
        got = self.__dict__.get("_runtime")
        if got is None or self.module.symbols.get(T.PUSH) is not got[T.PUSH]:
            got = self._runtime = T.runtime_functions(self.module, self.opaque)
        return got

    # ------------------------------------------------------------- declarations
    def _name(self, base):
        name, k = base, 0
        while name in self.module.symbols:
            k += 1
            name = derived_name(base, suffix=f".{k}")
        return name

    def _function(self, base, fn_type, arg_names) -> Function:
        fn = Function(self._name(base), fn_type)
        fn.pre = ["internal"]
        fn.is_declaration = False
        fn.defined = True
        fn.args = [Argument(t, n) for t, n in zip(fn_type.params, arg_names)]
        for i, a in enumerate(fn.args):
            a.function, a.index = fn, i
        self.module.functions.append(fn)
        self.module.symbols[fn.name] = fn
        return fn

    def _forget(self, *fns):
        functions = self.module.functions
        for fn in fns:
            # searched from the end, where functions made since are (a module of thousands
            # of gradients would otherwise compare them all, for each)
            for k in range(len(functions) - 1, -1, -1):
                if functions[k] is fn:
                    del functions[k]
                    break
            self.module.symbols.pop(fn.name, None)

    def gradient(self, primal: Function, activity: tuple, ret_active: bool,
                 known: tuple = (), nofree: bool = False, atomic: bool = False,
                 reload: bool = False) -> Gradient:
        """`known`: function-pointer parameters and the functions they are (the gradient
        is specialized for them: `twice(f, x)` called with `sq`). `nofree`: the reverse
        sweep leaves shadow memory allocated (`enzyme_nofree`: the tape is reversed
        again); its tape traffic is the same. `atomic`: the gradient runs in several
        threads at once (its callees' too), so adjoints added into shadow memory are
        added atomically. `reload`: only `combined` runs the two halves (see
        Gradient.reload)."""
        activity = tuple(activity)
        key = _gradient_key(primal, activity, ret_active, known, nofree, atomic, reload)
        g = self.cache.get(key)
        if g is not None:
            return g
        self._check(primal, activity, ret_active)
        g = self._declare(primal, activity, ret_active)
        g.known, g.nofree, g.atomic, g.reload = known, nofree, atomic, reload
        self.cache[key] = g
        try:
            GradientSynthesis(self, g).run()
        except BaseException:  # leave no half-built function behind
            del self.cache[key]
            self._forget(g.augmented, g.reverse)
            raise
        return g

    def _check(self, primal, activity, ret_active):
        if primal.fn_type.vararg:
            raise located(UnsupportedInstructionError, self.module, primal, None,
                          "variadic functions cannot be differentiated yet")
        if not primal.blocks:
            raise located(DifferentiationError, self.module, primal, None,
                          "the function has no body")
        for a, act in zip(primal.args, activity):
            if act == OUT and not holds_float(a.type):
                raise located(DifferentiationError, self.module, primal, None,
                              f"parameter {a.index} is {a.type!r}: only floats (and "
                              "aggregates of them) can be active (enzyme_out)")
            if act == DUP and not a.type.is_pointer:
                raise located(DifferentiationError, self.module, primal, None,
                              f"parameter {a.index} is {a.type!r}: only pointers can be "
                              "duplicated (enzyme_dup)")
        if ret_active and not holds_float(primal.fn_type.ret):
            raise located(DifferentiationError, self.module, primal, None,
                          "the result is not a float: it cannot be active")

    def _declare(self, primal, activity, ret_active) -> Gradient:
        bp = self.tape.byte_ptr
        params, names = [bp], ["tape"]
        for a, act in zip(primal.args, activity):
            params.append(a.type)
            names.append(a.name)
            if act == DUP:
                params.append(a.type)
                names.append(derived_name(a.name, suffix="'"))
        ret = primal.fn_type.ret
        ret_shadow = holds_pointer(ret) and any(act != CONST for act in activity)
        aug_ret = StructType([ret, ret]) if ret_shadow else ret
        aug = self._function(derived_name(primal.name, "augmented_"),
                             FunctionType(aug_ret, params), names)
        outs = [i for i, act in enumerate(activity) if act == OUT]
        rparams, rnames = list(params), list(names)
        if ret_active:
            rparams.append(ret)
            rnames.append("dret")
        rret = StructType([primal.args[i].type for i in outs]) if outs else VOID
        rev = self._function(derived_name(primal.name, "reverse_"),
                             FunctionType(rret, rparams), rnames)
        for fn in (aug, rev):  # nothing else reaches the tape header while they run
            fn.args[0].attrs = [Attr("noalias"), Attr("captures", "none", "paren")]
        return Gradient(primal, activity, ret_active, aug, rev, outs, ret_shadow)

    # ------------------------------------------------------------------ combined
    def combined(self, primal: Function, activity: tuple, ret_active: bool) -> Function:
        """`diffe_<f>(x0, [dx0], ...)`: a tape, the forward sweep and then the reverse
        sweep with the return's adjoint seeded with 1 (one function: combined.py), the
        tape freed; returns the struct of OUT adjoints (or void)."""
        key = (primal.name, tuple(activity), ret_active)
        fn = self.combined_cache.get(key)
        if fn is not None:
            return fn
        g = self.gradient(primal, activity, ret_active, reload=True)
        sweeps = merge_sweeps(self, g)
        del self.cache[_gradient_key(primal, tuple(activity), ret_active, reload=True)]  # gone
        params = sweeps.fn_type.params[1:]
        fn = self._function(derived_name(primal.name, "diffe_"),
                            FunctionType(sweeps.fn_type.ret, params), [a.name for a in sweeps.args[1:]])
        entry = BasicBlock("entry", parent=fn)
        fn.blocks = [entry]
        header = self.new_tape(entry.append)
        r = entry.append(I.Call("call", sweeps.fn_type.ret, sweeps.fn_type, sweeps,
                                [header, *fn.args], [[] for _ in sweeps.fn_type.params]))
        self.tape.free(entry.append, header)
        entry.append(I.Ret([] if sweeps.fn_type.ret == VOID else [r]))
        self.combined_cache[key] = fn
        return fn

    def new_tape(self, emit):
        """An empty tape header on the stack of the current function."""
        t = ArrayType(3, I64)
        slot = emit(I.Alloca(self.tape.pointer_to(t), t, [], align=8))
        emit(I.Store([zero_of(t), slot], align=8))
        return slot if self.opaque else emit(I.Cast("bitcast", self.tape.byte_ptr, [slot]))

    @staticmethod
    def seed(t):
        """1 in every float leaf of `t`."""
        from .builder import float_constant

        if isinstance(t, (StructType, IdentifiedStructType, ArrayType)):
            from ..ir.values import ConstantAggregate

            elems = t.elems if not isinstance(t, ArrayType) else [t.elem] * t.count
            return ConstantAggregate(t, [ReverseMode.seed(e) if holds_float(e) else
                                         zero_of(e) for e in elems])
        return float_constant(t, 1.0)


class GradientSynthesis(BodyCloner, AdjointStorage, TapeRecords, LoopRecords, PathChoice,
                        ShadowMemory, CallSweeps, CustomCalls, Unwinding, FloatBits,
                        PointerAggregates):
    """Builds the augmented forward and the reverse function of one Gradient."""

    def __init__(self, mode: ReverseMode, g: Gradient):
        # the body differentiated: a copy with its local variables promoted to registers
        # (-O0 code then costs what -O2 code does; the user's function is left as is)
        super().__init__(body_to_differentiate(mode.module, g.primal), g.augmented)
        self.mode = mode
        self.module = mode.module
        self.registry = mode.registry
        self.g = g
        self.tape = mode.tape
        self.rev = g.reverse
        self.shadow: dict = {}  # primal value -> its shadow in the forward sweep
        self.heap_allocas: dict = {}  # allocas moved to the heap (insertion-ordered)
        self.custom_frees: dict = {}  # allocation -> the registered deallocator of its shadow
        self.realloc_kept: dict = {}  # realloc -> bytes its new shadow took over
        self.user_calls: dict = {}  # call -> (callee gradients, activity)
        self.custom_calls: dict = {}  # call -> (registered gradient, its tape or None)
        self.block_index: dict = {}  # primal block -> its predecessor-index phi
        self.unplaced_index: dict = {}  # id(forward block) -> its index phi, not yet in it
        self._ret_index_push: list = []  # (forward block, index) of each return
        # with the halves run back to back, the reverse code goes into the forward
        # function (combined.py) and reads its parameters
        merged = g.reload
        fargs = iter(g.augmented.args)
        rargs = iter(g.reverse.args)
        self.ftape, self.rtape = next(fargs), next(rargs)
        if merged:
            self.rtape = self.ftape
        self.rev_args = {self.ftape: self.rtape}
        active = []
        for a, act in zip(self.primal.args, g.activity):
            fa = next(fargs)
            self.vmap[a] = fa
            self.rev_args[fa] = fa if merged else next(rargs)
            if act == DUP:
                sa = next(fargs)
                self.shadow[a] = sa
                self.rev_args[sa] = sa if merged else next(rargs)
            if act != CONST:
                active.append(a)
        self.dret = None
        if g.ret_active:
            self.dret = ReverseMode.seed(self.primal.fn_type.ret) if merged else g.reverse.args[-1]
        self.known = known_map(self.primal, self.module, g.known)
        self.custom = custom_rules(self.module)
        # the caller stores the shadow of a returned pointer: what this function returns
        # (an allocator chain's `new`) must have one, not a null stand-in
        self.activity = ActivityAnalysis(self.primal, active, self.registry, self.known,
                                         self.custom, shadow_return=g.ret_shadow)
        self.integer_bits = IntegerBits(self.module, self.primal, self.activity)
        self.out_args = {self.primal.args[i] for i in g.outs}
        # forward sweep bookkeeping
        self.shadow_phis: list = []
        self.preds: dict = {}
        self.ret_blocks: list = []
        self.invoke_tails: dict = {}  # primal block ending in an invoke -> its continuation
        self.split_edges: list = []  # (block of an invoke, its continuation, normal dest)
        self.invoked = None  # the call standing for the invoke being placed
        # reverse sweep
        self.rblock = None
        self.anchor = None
        self.popped: dict = {}
        self.direct_blocks: frozenset = frozenset()  # read as they are (find_direct_blocks)
        self.undo_old: dict = {}  # primal store of a rewound block -> what it overwrote
        self.current_pb = None
        self.records: dict = {}  # primal block -> forward values in its tape record
        self.record_base: dict = {}  # primal block -> the pop of its record
        self.record_size: dict = {}  # primal block -> bytes in its record so far
        self.record_push: dict = {}  # primal block -> the push of its record
        self.field_reads: dict = {}  # primal block -> (offset, what reads it) of its fields
        self.on_entry = False  # emitting on a reverse edge into loops (_compute_on_entries)
        self.slots: dict = {}  # primal value -> alloca holding its adjoint
        self.pending: dict = {}  # primal value -> its adjoint so far (in_block_adjoint)
        self.edge_phis: list = []  # (primal value, phi of its adjoint, reverse block)
        self.edge_out: dict = {}  # (id(value), id(block)) -> adjoint handed on from there
        self._in_block: dict = {}
        self._primal_users = None
        self._primal_loops = None
        self.partial_lanes = partial_lanes(self.primal)  # vector -> the lanes read of it
        self.float_bits_types: dict = {}  # integer value -> float type of its adjoint
        self._has_adjoint: dict = {}  # primal instruction -> has_adjoint
        self.problems: list = []  # located errors of instructions refused so far
        self.entry_allocas: list = []  # other stack slots of the reverse function
        self.rentry = self._new_block("entry")
        self.rblocks: dict = {}

    # ------------------------------------------------------------------ helpers
    def error(self, cls, inst, message):
        return located(cls, self.module, self.primal, inst, message)

    def _in_forward(self, v) -> bool:
        b = getattr(v, "parent", None)
        return isinstance(v, I.Instruction) and b is not None and b.parent is self.fn

    def remit(self, inst):
        return self.rblock.append(inst)

    def primal_loops(self) -> list:
        """`natural_loops(self.primal)`, found once (the primal does not change)."""
        if self._primal_loops is None:
            self._primal_loops = natural_loops(self.primal)
        return self._primal_loops

    def looped_blocks(self) -> frozenset:
        """The primal blocks inside some loop, found once."""
        got = self.__dict__.get("_looped")
        if got is None:
            got = self._looped = frozenset(b for _, body, _ in self.primal_loops() for b in body)
        return got

    def primal_users(self) -> dict:
        """`self.primal.operand_users()`, built once (the primal does not change)."""
        if self._primal_users is None:
            self._primal_users = self.primal.operand_users()
        return self._primal_users

    # --------------------------------------------------------------------- run
    def run(self):
        self.clone_all()
        order, self.reached = block_order_and_reach(self.primal)
        self.order = order
        self.order_index = {b: k for k, b in enumerate(order)}
        self.reachable, unwind = self._normal_flow()
        for b in self.primal.blocks:
            for s in dict.fromkeys(b.successors()):
                self.preds.setdefault(s, []).append(b)
        self.fn.blocks = [self.bmap[b] for b in self.primal.blocks]
        try:  # every refused instruction is collected (see errors.COLLECTED), then reported
            for b in order:
                if b in unwind:
                    self._forward_plain(b)
                else:
                    self._forward_block(b)
            raise_all(self.problems)
            self._fill_shadow_phis()
            self._retarget_split_edges()
            self._allocas_to_heap()
            self._loop_analysis()
            self.direct_blocks = self.find_direct_blocks()
            self._reverse()
            place_partners(self.__dict__.get("partners", {}).values())
            self._compute_on_entries()
            self._iteration_records()
            self._fill_loop_edges()
        except COLLECTED:
            raise
        except Exception as e:  # after a refused instruction, an error it caused
            raise_all(self.problems, e)
            raise
        raise_all(self.problems)
        self._place_pushes()
        self._place_loop_pushes()
        index_loop_records(self)
        reserve_loops(self)
        # last, so that no analysis of the forward sweep meets the loads the calls become
        fuse_pairs(self.module, self.fn, [*self.__dict__.get("sincos_twins", {}).values(),
                                          *self.__dict__.get("partners", {}).values()])

    # ============================================================ forward sweep
    def _forward_block(self, pb):
        nb = self.bmap[pb]
        phis = [i for i in pb.instructions if isinstance(i, I.Phi)]
        for phi in phis:
            c = self.vmap[phi]
            nb.append(c)
            if phi.type.is_pointer and self.activity.is_active(phi):
                sp = nb.append(I.Phi(phi.type, [], []))
                self.shadow[phi] = sp
                self.shadow_phis.append(phi)
        preds = [p for p in self.preds.get(pb, []) if p in self.reachable]
        if len(preds) > 1 and pb in self.reachable:  # placed if the reverse sweep reads it
            idx = I.Phi(I32, [ConstantInt(I32, k) for k in range(len(preds))],
                        [self.bmap[p] for p in preds])
            idx.parent = nb
            self.block_index[pb] = idx
            self.unplaced_index[id(nb)] = idx
        vmap = self.vmap
        for inst in pb.instructions:
            if isinstance(inst, I.Phi) or inst not in vmap:  # (clone_all skips debug calls)
                continue
            c = vmap[inst]
            self.remap(c)
            try:
                self._forward_instruction(inst, c, nb)
            except COLLECTED as e:  # go on: report every refused instruction at once
                self.problems.append(e)

    def _forward_instruction(self, inst, c, nb):
        self._check_float_bits_uses(inst)
        if inst.opcode == "ret":
            self._forward_return(inst, c, nb)
            return
        if inst.opcode == "invoke":
            self._forward_invoke(inst, c, nb)
            return
        if inst.is_terminator:
            if inst.opcode not in _TERMINATORS_CLONED:
                raise self.error(UnsupportedInstructionError, inst,
                                 f"`{inst.opcode}` is not supported in reverse mode yet")
            nb.append(c)
            return
        if isinstance(inst, I.Call):
            self._forward_call(inst, c, nb)
        else:
            if isinstance(inst, I.Store):
                self.undo_old_value(inst, c, nb)
            nb.append(c)
            self._forward_shadow(inst, c, nb)

    def _forward_return(self, inst, c, nb):
        self.ret_blocks.append(inst.parent)
        v = inst.ops[0] if inst.ops else None
        if v is None:
            nb.append(I.Ret([]))
            return
        # which return ran: pushed last, so the reverse sweep pops it first
        self._ret_index_push.append((nb, len(self.ret_blocks) - 1))
        if self.g.ret_shadow:
            t = self.fn.fn_type.ret
            s = self.shadow.get(v)
            agg = nb.append(I.InsertValue(t, [Undef(t), self.new(v)], [0]))
            agg = nb.append(I.InsertValue(t, [agg, self.new(s) if s is not None
                                              else zero_of(v.type)], [1]))
            nb.append(I.Ret([agg]))
        else:
            nb.append(I.Ret([self.new(v)]))

    def _forward_shadow(self, inst, c, nb):
        """The shadow of an active pointer-valued instruction, and shadow stores of
        pointers."""
        op = inst.opcode
        if isinstance(inst, I.Store):
            self._forward_store(inst, c, nb)
            return
        if self._aggregate_shadow(inst, c, nb):
            return
        if op == "inttoptr" and self.activity.is_active(inst):
            raise self.error(UnsupportedInstructionError, inst,
                             "a pointer rebuilt from an integer would lose the shadow of "
                             "the active memory it points to")
        if not (inst.type.is_pointer and self.activity.is_active(inst)):
            if isinstance(inst, (I.AtomicRMW, I.CmpXchg)) and inst.ops[0] in self.shadow \
                    and inst.ops[1].type.is_pointer:
                raise self.error(UnsupportedInstructionError, inst,
                                 "atomic pointer exchange in active memory is not supported")
            return
        if isinstance(inst, I.Alloca):
            self._shadow_alloca(inst, c, nb)
            return
        sh = [self.shadow.get(v) for v in inst.ops]
        if op in ("getelementptr", "bitcast", "addrspacecast", "freeze"):
            if sh[0] is None:
                return
            s = I.shallow_copy(c)
            s.ops = [sh[0], *c.ops[1:]]
            s.flags = list(c.flags)
            s.md, s.name = [], None
            self.shadow[inst] = nb.append(s)
        elif op == "select":
            a, b = (self._shadow_or_null(v, s, inst) for v, s in zip(inst.ops[1:], sh[1:]))
            self.shadow[inst] = nb.append(I.Select("select", inst.type, [c.ops[0], a, b]))
        elif op == "load":
            if sh[0] is None:
                return
            s = I.shallow_copy(c)
            s.ops = [sh[0]]
            s.flags = list(c.flags)
            s.md, s.name = [], None
            self.shadow[inst] = nb.append(s)
        else:
            raise self.error(UnsupportedInstructionError, inst,
                             f"no shadow rule for a pointer made by `{op}` in reverse mode")

    def _shadow_or_null(self, v, s, inst):
        if s is not None:
            return s
        if isinstance(v, (ConstantNull, Undef, Poison)):  # poison: a path that never uses it
            return ConstantNull(v.type)
        if _objectless(v):  # `inttoptr (i64 -8)`: an address only compared, its own shadow
            return v
        raise self.error(ShadowError, inst, "one incoming pointer has a shadow and another "
                         "has none (mixed activity); mark that memory enzyme_dup")

    def _forward_store(self, inst, c, nb):
        val, ptr = inst.ops
        dptr = self.shadow.get(ptr)
        if dptr is None:
            if inactive_memory(self.module, self.registry, ptr):
                return  # a global declared inactive: what is stored there is dropped
            if self.activity.is_active(val) and holds_float(val.type) \
                    or val in self.shadow:
                raise self.error(ShadowError, inst,
                                 "an active value is stored into memory that has no shadow (a "
                                 "constant argument or a global); pass that pointer as "
                                 "enzyme_dup")
            return
        if val.type.is_pointer:
            sv = self.shadow.get(val)
            nb.append(I.Store([sv if sv is not None else ConstantNull(val.type),
                               self.new(dptr)], inst.align))
        elif val.type.scalar.is_int:
            self._check_integer_store(inst)
        elif holds_pointer(val.type):
            self._store_pointer_leaves(val, self.new(dptr), inst.align, nb)

    def _check_integer_store(self, inst):
        """An integer stored into active memory moves no adjoint: right only when it is an
        integer, not the bits of a float (type analysis decides, --loose-types assumes)."""
        v = inst.ops[0]
        kind = self.integer_bits.kind(v)
        if kind == INT:
            return
        if kind == FLOAT:
            return  # its adjoint moves as a float (adjoint_type)
        if not self.mode.loose_types:
            raise self.error(TypeAnalysisError, inst,
                             "cannot deduce whether the stored integer holds an integer or "
                             "the bits of a float (no TBAA type, no typed field); pass "
                             "--loose-types to treat it as an integer")

    def _fill_shadow_phis(self):
        for b in self.primal.blocks:
            for phi in b.instructions:
                if isinstance(phi, I.Phi):
                    self.vmap[phi].ops = [self.new(v) for v in phi.ops]
        for phi in self.shadow_phis:
            sp = self.shadow[phi]
            sp.ops = [self._shadow_or_null(v, self.shadow.get(v), phi) for v in phi.ops]
            sp.blocks = [self.bmap[b] for b in phi.blocks]

    # ============================================================ reverse sweep
    def _new_block(self, name):
        """A block of the reverse function with a name not yet taken there."""
        return BasicBlock(self._new_name(name), parent=self.rev)

    def _new_name(self, name):
        """`name`, or `name` with the first numeric suffix not yet taken in the reverse
        function."""
        taken = self.__dict__.setdefault("_block_names", set())
        tried = self.__dict__.setdefault("_block_suffixes", {})  # name -> last suffix given
        k = tried.get(name, 0)  # (from there: a function of a thousand `bb` blocks)
        plain = name[0] != '"'  # (a plain name and digits: a plain name)
        n = (name + str(k) if plain else derived_name(name, suffix=str(k))) if k else name
        while n in taken:
            k += 1
            n = name + str(k) if plain else derived_name(name, suffix=str(k))
        tried[name] = k
        taken.add(n)
        return n

    def _rblock(self, pb):
        b = self.rblocks.get(pb)
        if b is None:
            label = pb.name if pb.name and not pb.name.isdigit() else "bb"
            label = label + ".rev" if label[0] != '"' else derived_name(label, suffix=".rev")
            b = self.rblocks[pb] = self._new_block(label)
        return b

    def _reverse(self):
        rev = self.rev
        blocks = [self.rentry]
        self.rblock = self.rentry
        self.anchor = ("entry",)
        self.popped = {}
        rets = self.ret_blocks
        if not rets:
            self.rentry.append(I.Unreachable("unreachable", VOID))
        elif len(rets) == 1:
            self.rentry.append(I.Br([], [self._rblock(rets[0])]))
        else:
            idx = self.tape.pop(self.remit, self.rtape, I32)
            self.rentry.append(I.Switch([idx], self._rblock(rets[0]),
                                        [(ConstantInt(I32, k), self._rblock(b))
                                         for k, b in enumerate(rets)]))
        exit_block = self._new_block("exit")
        self.exit_block = exit_block
        for pb in reversed(self.order):
            if pb not in self.reachable:
                continue
            rb = self._rblock(pb)
            blocks.append(rb)
            self._reverse_block(pb, rb, blocks)
        self._fill_edge_phis(blocks)
        self.rblock = exit_block
        blocks.append(exit_block)
        outs = [self.primal.args[i] for i in self.g.outs]
        if outs:
            t = rev.fn_type.ret
            agg = Undef(t)
            for k, a in enumerate(outs):
                d = self.remit(I.Load(a.type, [self.slot(a)], align=None))
                if holds_float(a.type):  # an adjoint nothing reached: +0.0, not -0.0
                    d = self.add(d, zero_of(a.type))
                agg = self.remit(I.InsertValue(t, [agg, d], [k]))
            self.remit(I.Ret([agg]))
        else:
            self.remit(I.Ret([]))
        # entry: adjoint slots, zeroed, before the return dispatch
        head = list(self.entry_allocas) + list(self.slots.values())
        for v, s in self.slots.items():
            st = I.Store([adjoint_zero(s.allocated_type), s], align=None)
            st.parent = self.rentry
            head.append(st)
        self.rentry.instructions[0:0] = head
        rev.blocks = [b for b in blocks if b.instructions]

    def _reverse_block(self, pb, rb, blocks):
        self.rblock = rb
        self.current_pb = pb
        # A value several instructions of this block need is pushed once, after the last
        # of them, and popped once where the reverse sweep reaches that one; the others
        # (earlier in the block, later in the reverse sweep) reuse it.
        self.popped = {}
        for v in self._edge_values(pb).values():  # their adjoints from the successors
            phi = I.Phi(self.adjoint_type(v), [], [])
            phi.parent = rb
            self.pending[v] = phi
            self.edge_phis.append((v, phi, rb))
        self.undo_stores(pb)
        term = pb.instructions[-1] if pb.instructions else None
        if term is not None and term.opcode == "ret" and self.dret is not None and term.ops:
            self.anchor = term
            self.add_adjoint(term.ops[0], self.dret)
        vmap = self.vmap
        for inst in reversed(pb.instructions):
            if isinstance(inst, I.Phi) or inst not in vmap \
                    or inst.is_terminator and inst.opcode != "invoke":  # (not in vmap: debug)
                continue
            self.anchor = inst
            try:
                self._reverse_instruction(inst)
                group = self.staggered().get(inst)
                if group is not None and inst is group.first:
                    ReverseBuilder(self, inst, self.vmap.get(inst, inst),
                                   self.rblock).add_group(group)
            except COLLECTED as e:
                self.problems.append(e)
        # phis: their adjoints go to the incoming value of the edge that was taken
        self.anchor = ("block", pb)
        phis = [(phi, self.take_adjoint(phi)) for phi in pb.instructions
                if isinstance(phi, I.Phi) and self.has_adjoint(phi)]
        phis = [(p, d) for p, d in phis if d is not None]
        if pb is self.primal.blocks[0]:
            self.remit(I.Br([], [self.exit_block]))
            self._pop_record(pb, rb)
            return
        preds = [p for p in self.preds.get(pb, []) if p in self.reachable]
        counted = self._counted_header(pb)
        iv = self.fwd(counted.iv[0]) if counted is not None else None
        targets = []
        for k, p in enumerate(preds):
            exited = self._exited(p, pb)
            back = counted is not None and p is counted.iv[4]
            if phis or exited or back:
                edge = BasicBlock(None, parent=self.rev)  # named when it stays
                blocks.append(edge)
                if exited:
                    self.loop_edges.append((edge, exited))
                saved = self.rblock
                self.rblock = edge
                for lp in exited:  # innermost first, like the records' pops
                    if lp.last is not None:
                        self.derive_counters(lp)
                if back:  # the induction variable of the iteration before
                    prev = self.remit(I.BinaryOp("sub", iv.type,
                                                 [iv, ConstantInt(iv.type, counted.iv[1])]))
                    self.remit(I.Store([prev, counted.iv[5]], align=None))
                    for fo, ostep, so, _ in counted.more_ivs:
                        v = self.remit(I.Load(fo.type, [so], align=None))
                        v = self.remit(I.BinaryOp("sub", fo.type,
                                                  [v, ConstantInt(fo.type, ostep)]))
                        self.remit(I.Store([v, so], align=None))
                for phi, d in phis:
                    self.add_adjoint(phi.ops[phi.blocks.index(p)], d)
                self.remit(I.Br([], [self._rblock(p)]))
                self.rblock = saved
                if len(edge.instructions) == 1 and not exited:  # only the branch: the
                    blocks.pop()  # phis' adjoints went on as values (in_block_adjoint)
                    targets.append(self._rblock(p))
                else:
                    edge.name = self._new_name("edge")
                    targets.append(edge)
            else:
                targets.append(self._rblock(p))
        if len(targets) == 1:
            self.remit(I.Br([], targets))
        elif counted is not None:  # the first iteration came from the preheader
            first = self.remit(I.Compare("icmp", I1, [iv, self.fwd(self.new(counted.iv[2]))],
                                         "eq"))
            self.remit(I.Br([first], [targets[preds.index(counted.iv[3])],
                                      targets[preds.index(counted.iv[4])]]))
        elif self._recomputed_choice(pb, preds, targets):
            pass
        else:
            idx = self.block_index[pb]
            if self.unplaced_index.pop(id(idx.parent), None) is not None:
                idx.parent.instructions.insert(0, idx)
            idx = self.fwd(idx)
            self.remit(I.Switch([idx], targets[0],
                                [(ConstantInt(I32, k), t) for k, t in enumerate(targets)][1:]))
        self._hand_on(pb, preds, targets)
        self._pop_record(pb, rb)

    def _reverse_instruction(self, inst):
        if isinstance(inst, I.Call):
            self._reverse_call(inst)
            return
        opcode = inst.opcode
        if isinstance(inst, I.Alloca):
            if inst in self.shadow:
                self._free(self.fwd(self.shadow[inst]))
            if inst in self.heap_allocas:
                self._free_heap(self.fwd(self.vmap[inst]))
            return
        if isinstance(inst, I.Store):  # writes shadow memory whatever its value
            if inst.ops[1] not in self.shadow:
                return
            dy = None
        elif isinstance(inst, (I.AtomicRMW, I.CmpXchg)):
            if inst.ops[0] not in self.shadow:
                return
            dy = self.take_adjoint(inst)
        else:
            dy = self.take_adjoint(inst)
            if dy is None:
                return
            if dy.type != inst.type and isinstance(inst, (I.Select, I.Freeze)):
                self._route_float_bits(inst, dy)
                return
        rule = self.registry.reverse("instruction", opcode)
        if rule is None:
            frule = self.registry.instruction(opcode)
            if frule is None or frule.inactive:
                raise self.error(UnsupportedInstructionError, inst,
                                 f"no reverse rule for `{opcode}` and its operands carry "
                                 "derivatives")
            rule = FromForward(frule)
        self._apply(rule, inst, inst.ops, dy)

    def _apply(self, rule, inst, operands, dy):
        if rule.adjoint is None:
            return
        pb, blk = self.current_pb, self.rblock
        elementwise = isinstance(rule, FromForward)
        if elementwise:  # where things stand, for drop_unused_fetches
            fields, reads = len(self.records.get(pb, ())), len(self.field_reads.get(pb, ()))
            start, blocks = len(blk.instructions), len(self.__dict__.get("_block_names", ()))
        rb = ReverseBuilder(self, inst, self.vmap.get(inst, inst), blk)
        args = LazyOperands(self, operands)
        adjoints = rule.adjoint(rb, args, dy)
        if elementwise and len(self.records.get(pb, ())) > fields and self.rblock is blk \
                and len(self.__dict__.get("_block_names", ())) == blocks:
            self.drop_unused_fetches(pb, blk, start, fields, reads,
                                     [d for d in adjoints or () if d is not None])
        todo = zip(operands, adjoints or ())
        if len(operands) > 1 and (operands[0] is operands[1] or len(operands) > 2 and
                                  len(set(map(id, operands))) < len(operands)):
            todo = self._summed(todo)
        live = self.partial_lanes.get(inst)
        for v, d in todo:
            if live is not None and d is not None and inst.opcode not in _LANE_ROUTING \
                    and isinstance(d.type, VectorType) and d.type.count == inst.type.count:
                d = self._dead_lanes_zeroed(d, live)
            self.add_adjoint(v, d)

    def _dead_lanes_zeroed(self, d, live):
        """`d` with the lanes the primal never reads set to 0 (see lanes.py)."""
        mask = ConstantAggregate(VectorType(d.type.count, I1),
                                 [ConstantInt(I1, int(k in live)) for k in range(d.type.count)])
        return self.remit(I.Select("select", d.type, [mask, d, zero_of(d.type)]))

# instructions that move lanes without multiplying them: their adjoints need no masking
_LANE_ROUTING = frozenset(("shufflevector", "insertelement", "extractelement", "phi"))


def _objectless(v) -> bool:
    """A constant address of no object: null or an integer moved by casts and GEPs (libstdc++'s
    `end - 1` of an empty vector at -O2). Never dereferenced, so it shadows itself."""
    for _ in range(8):
        if isinstance(v, ConstantNull):
            return True
        if not isinstance(v, ConstantExpr) or not v.ops:
            return False
        if v.opcode == "inttoptr":
            return isinstance(v.ops[0], ConstantInt)
        if v.opcode not in ("getelementptr", "bitcast", "addrspacecast"):
            return False
        v = v.ops[0]
    return False
