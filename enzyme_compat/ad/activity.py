"""Activity analysis: which values of a function carry a tangent (floats) or a shadow
(pointers into memory that holds derivatives).

A forward fixed point over the function: arguments are active as the caller says;
instructions are active when an operand is, unless their rule declares them inactive
(integer arithmetic, comparisons, int<->float conversions); loads are active when their
pointer is. Memory: an allocation (alloca, malloc) becomes active when an active value is
stored into it, copied into it, or when it is handed to a differentiated call. Values that
do not depend on active inputs stay constant and cost nothing.
"""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.module import Function
from ..ir.values import ConstantExpr
from .abi import strip_casts
from .indirect import (ADDRESS_TAKEN, address_taken, open_candidates, retyped, same_shape,
                       unknown_target)
from .types_analysis import carries_tangent

# Calls that carry no derivative and write no float memory that matters (data; rule
# plugins add more through the `enzyme_compat_inactive_functions` hook). `*` = prefix.
INACTIVE_FUNCTIONS = frozenset({
    # C library I/O and bookkeeping
    "printf", "fprintf", "sprintf", "snprintf", "vprintf", "vfprintf", "puts", "fputs",
    "putchar", "fputc", "putc", "fflush", "fopen", "fclose", "perror", "fwrite", "write",
    "exit", "_exit", "abort", "__assert_fail", "__assert_rtn", "__stack_chk_fail",
    "time", "clock", "clock_gettime", "gettimeofday", "rand", "srand", "random", "srandom",
    "getenv", "strlen", "strcmp", "strncmp", "strchr", "atoi", "atol",
    "malloc_usable_size", "malloc_size", "posix_memalign_size", "__errno_location",
    # intrinsics with no derivative
    "llvm.dbg.*", "llvm.lifetime.*", "llvm.assume", "llvm.expect*", "llvm.prefetch*",
    "llvm.trap", "llvm.debugtrap", "llvm.ubsantrap", "llvm.stacksave*", "llvm.stackrestore*",
    "llvm.invariant.start*", "llvm.invariant.end*", "llvm.var.annotation*",
    "llvm.annotation*", "llvm.experimental.noalias.scope.decl", "llvm.donothing",
    "llvm.sideeffect", "llvm.pseudoprobe", "llvm.is.constant*", "llvm.objectsize*",
    "llvm.is.fpclass*", "llvm.lround*", "llvm.llround*", "llvm.lrint*", "llvm.llrint*",
    "llvm.fptosi.sat*", "llvm.fptoui.sat*", "llvm.abs*", "llvm.smax*", "llvm.smin*",
    "llvm.umax*", "llvm.umin*", "llvm.ctpop*", "llvm.ctlz*", "llvm.cttz*", "llvm.bswap*",
    "llvm.bitreverse*", "llvm.fshl*", "llvm.fshr*", "llvm.sadd.with.overflow*",
    "llvm.uadd.with.overflow*", "llvm.ssub.with.overflow*", "llvm.usub.with.overflow*",
    "llvm.smul.with.overflow*", "llvm.umul.with.overflow*", "llvm.vector.reduce.add*",
    "llvm.vector.reduce.mul*", "llvm.vector.reduce.and*", "llvm.vector.reduce.or*",
    "llvm.vector.reduce.xor*", "llvm.vector.reduce.smax*", "llvm.vector.reduce.smin*",
    "llvm.vector.reduce.umax*", "llvm.vector.reduce.umin*",
})

# Heap allocation: the result gets a shadow allocation when active data is stored in it.
ALLOCATION_FUNCTIONS = frozenset({"malloc", "calloc", "realloc", "_Znwm", "_Znam"})
# Allocations that take over the memory of their first argument (its shadow goes along).
REALLOCATION_FUNCTIONS = frozenset({"realloc"})
FREE_FUNCTIONS = frozenset({"free", "_ZdlPv", "_ZdaPv", "_ZdlPvm", "_ZdaPvm"})
MEMORY_TRANSFER = ("llvm.memcpy", "llvm.memmove")


def called_function(call) -> Function | None:
    c = call.callee
    if type(c) is Function:  # the usual direct call: no casts to look through
        return c
    c = strip_casts(c)
    return c if isinstance(c, Function) else None


def _constant_table(ptr):
    """The functions in the constant global array `ptr` points into (a dispatch table)."""
    from ..ir.module import GlobalVariable
    from ..ir.values import ConstantAggregate

    for _ in range(8):
        if isinstance(ptr, (I.GetElementPtr, ConstantExpr)) and ptr.ops and \
                getattr(ptr, "opcode", "") in ("getelementptr", "bitcast"):
            ptr = ptr.ops[0]
        else:
            break
    if not isinstance(ptr, GlobalVariable) or not ptr.constant:
        return None
    init = ptr.initializer
    elems = init.elems if isinstance(init, ConstantAggregate) else [init]
    fns = [strip_casts(e) for e in elems]
    return fns if fns and all(isinstance(f, Function) for f in fns) else None


def _slot_values(ptr):
    """Every value stored into the local variable `ptr` (an alloca used only by loads
    and by stores into it, as -O0 code keeps a function pointer): None otherwise."""
    ptr = strip_casts(ptr)
    if not isinstance(ptr, I.Alloca) or ptr.parent is None or ptr.parent.parent is None:
        return None
    values = []
    for b in ptr.parent.parent.blocks:
        for i in b.instructions:
            ops = I.value_operands(i) if not isinstance(i, I.Call) else i.args
            if not any(strip_casts(o) is ptr for o in ops):
                continue
            if isinstance(i, I.Store) and strip_casts(i.ops[1]) is ptr and i.ops[0] is not ptr:
                values.append(i.ops[0])
            elif isinstance(i, I.Load) or (isinstance(i, I.Cast) and i.opcode == "bitcast"):
                continue
            elif isinstance(i, I.Call) and getattr(i.callee, "name", "").startswith(
                    ("llvm.lifetime", "llvm.dbg")):
                continue
            else:
                return None  # the address escapes: other writes are possible
    return values or None


def function_candidates(v, known=None) -> list[Function] | None:
    """The functions a callee value may be: itself, or every function reaching it through
    selects, phis and casts (`cond ? f : g`, a merged call site), loaded from a constant
    table of functions, or passed as an argument whose functions the caller knows
    (`known`: Argument -> functions); None when some other value may reach it."""
    out: list = []
    seen: set = set()
    stack = [v]
    while stack:
        x = strip_casts(stack.pop())
        if id(x) in seen:
            continue
        seen.add(id(x))
        if isinstance(x, Function):
            if x not in out:
                out.append(x)
        elif isinstance(x, I.Select):
            stack.extend([x.ops[2], x.ops[1]])
        elif isinstance(x, I.Phi):
            stack.extend(reversed(x.ops))
        elif known and x in known:
            stack.extend(reversed(known[x]))
        elif isinstance(x, I.Load) and _constant_table(x.ops[0]):
            stack.extend(reversed(_constant_table(x.ops[0])))
        elif isinstance(x, I.Load) and _slot_values(x.ops[0]) is not None:
            stack.extend(reversed(_slot_values(x.ops[0])))
        else:
            return None
        if len(seen) > 64:
            return None
    return out or None


def user_candidates(call, known=None) -> list[Function] | None:
    """The bodies an indirect call may run, when they are all known and of one type: exactly
    (`function_candidates`) or, for a pointer loaded from memory, the module's address-taken
    functions of the call's prototype (`indirect.open_candidates`: checked at run time)."""
    fns = function_candidates(call.callee, known) or open_candidates(call, known)
    if not fns or any(f.is_declaration for f in fns):
        return None
    if any(not same_shape(f.fn_type, fns[0].fn_type) for f in fns):
        return None
    return fns


def rule_name(custom, fn) -> str:
    """The name whose rules apply to calls of `fn` (`__enzyme_function_like`)."""
    if custom is not None:
        return custom.function_like.get(fn.name, fn.name)
    return fn.name


def allocation_like(registry, custom, name):
    """(size argument indices, deallocator name, data field offset or None, whether the
    deallocator takes the allocation's arguments after the pointer) of a registered
    custom allocator."""
    if custom is not None and name in custom.allocation:
        return (*custom.allocation[name], None, False)
    look = getattr(registry, "allocation_like", None)
    found = look(name) if look else None
    if found is None:
        return None
    return tuple(found.size_args), found.free, found.data_field, found.free_takes_args


def call_kind(registry, call, known=None, custom=None) -> str:
    """rule / inactive / allocation / free / user (a body in this module, or several
    known ones behind a function pointer) / custom (a derivative registered in the IR) /
    unknown (no body, no rule) / indirect."""
    fn = called_function(call)
    if fn is None:
        return "user" if user_candidates(call, known) else "indirect"
    name = fn.name
    if custom is not None:
        if name in custom.inactive:
            return "inactive"
        if name in custom.gradients or name in custom.derivatives:
            return "custom"
        if name in custom.deallocation:
            return "free"
        name = rule_name(custom, fn)
    if allocation_like(registry, custom, name) is not None:
        return "allocation"
    dealloc = getattr(registry, "deallocation_like", None)
    if dealloc is not None and dealloc(name):
        return "free"
    if name != fn.name:  # function-like: the math function's rule, whatever the body
        rule = registry.function(name)
        if rule is not None:
            return "inactive" if rule.inactive else "rule"
        return "unknown"
    if name.startswith("llvm."):
        rule = registry.intrinsic(name)
        if rule is not None:
            return "inactive" if rule.inactive else "rule"
        return "inactive" if _inactive(registry, name) else "unknown"
    if name in ALLOCATION_FUNCTIONS:
        return "allocation"
    if name in FREE_FUNCTIONS:
        return "free"
    if not fn.is_declaration:
        # a body registered inactive by a plugin (a runtime linked into the module) is
        # still inactive; one a plugin gives a rule follows the rule (numba's NRT_decref,
        # mirrored on the shadow instead of differentiated)
        if registry.is_inactive_function(name):
            return "inactive"
        rule = registry.function(name)
        return "user" if rule is None else "inactive" if rule.inactive else "rule"
    rule = registry.function(name)
    if rule is not None:
        return "inactive" if rule.inactive else "rule"
    return "inactive" if _inactive(registry, name) else "unknown"


def communicated_memory(registry, call):
    """The pointer arguments of `call` whose memory carries derivatives exchanged with
    other processes (a tuple), or None when the call is no such communication."""
    fn = called_function(call)
    look = getattr(registry, "function", None)
    rule = look(fn.name) if fn is not None and look is not None else None
    comm = getattr(rule, "communicates", None)
    if comm is None:
        return None
    found = comm(call)
    return None if found is None else tuple(found)


def _inactive(registry, name: str) -> bool:
    if name in INACTIVE_FUNCTIONS or registry.is_inactive_function(name):
        return True
    return any(p.endswith("*") and name.startswith(p[:-1]) for p in INACTIVE_FUNCTIONS)


def is_memory_transfer(call) -> bool:
    fn = called_function(call)
    return fn is not None and fn.name.startswith(MEMORY_TRANSFER)


_POINTER_THROUGH = ("getelementptr", "bitcast", "addrspacecast")
# The instructions whose `_memory` step can mark memory active.
_MARKING = (I.Store, I.AtomicRMW, I.CmpXchg, I.Call)


class ActivityAnalysis:
    """`is_active(v)`: whether `v` (a value of the primal function) has a tangent/shadow."""

    def __init__(self, function, active_args, registry, known=None, custom=None,
                 through_calls: bool = False, shadow_return: bool = False):
        """Forward mode: `through_calls`, a pointer a function of the module returns
        points into memory its pointer arguments reach (C++ accessors, allocator chains);
        `shadow_return`, the caller needs the shadow of the pointer this one returns."""
        self.function = function
        self.through_calls = through_calls
        self.shadow_return = shadow_return
        self.known = known or {}  # Argument -> the functions it is known to be
        self.custom = custom  # derivatives registered in the IR (custom.CustomRules)
        self.registry = registry
        self.active = set(active_args)
        self.insts = [i for b in function.blocks for i in b.instructions]
        self.stores = [(i.ops[0], i.ops[1]) for i in self.insts if isinstance(i, I.Store)]
        self._kinds = self._call_kinds()
        self._order = {i: n for n, i in enumerate(self.insts)}
        self._communicating = self._communications()
        self._points_to = None
        self._inactive_opcodes: dict = {}  # opcode -> registry.instruction_is_inactive
        self._run()

    def _call_kinds(self) -> dict:
        """call -> call_kind, asked once per function called directly (the kind of such
        a call depends on its callee alone)."""
        kinds, by_callee = {}, {}
        for i in self.insts:
            if isinstance(i, I.Call):
                fn = i.callee if type(i.callee) is Function else None
                if fn is None:  # through casts, a pointer or a constant expression
                    kinds[i] = call_kind(self.registry, i, self.known, self.custom)
                    continue
                k = by_callee.get(fn)
                if k is None:
                    k = by_callee[fn] = call_kind(self.registry, i, self.known, self.custom)
                kinds[i] = k
        return kinds

    def _communications(self) -> dict:
        """call -> the memory it exchanges with other processes (communicated_memory),
        for the calls with a rule that does: only callees whose rule has `communicates`
        are asked about each call."""
        out, talks = {}, {}
        look = getattr(self.registry, "function", None)
        for i, k in self._kinds.items():
            if k != "rule":
                continue
            fn = called_function(i)
            may = talks.get(fn)
            if may is None:
                rule = look(fn.name) if fn is not None and look is not None else None
                may = talks[fn] = getattr(rule, "communicates", None) is not None
            if may:
                m = communicated_memory(self.registry, i)
                if m is not None:
                    out[i] = m
        return out

    def is_active(self, v) -> bool:
        return v in self.active

    def kind(self, call) -> str:
        return self._kinds[call]

    def communicates(self, call) -> bool:
        """Whether `call` exchanges derivatives with other processes (its rules run even
        when no operand is active here: see ForwardRule.communicates)."""
        return call in self._communicating

    # ---------------------------------------------------------------- fixed point
    def _run(self):
        from .reverse_aggregates import holds_pointer

        # each pass visits only what may change something: values that may become active
        # by their operands, and the instructions that mark memory (in program order)
        flows = [i for i in self.insts if not self._never_forward(i)]
        marks = [i for i in self.insts if isinstance(i, _MARKING) and not (
            isinstance(i, I.Call) and not any(a.type.is_pointer for a in i.args))
            or self.shadow_return and i.opcode == "ret"]  # (a call marks pointer arguments)
        changed = True
        while changed:
            changed = False
            for inst in flows:
                if inst not in self.active and self._forward(inst):
                    self.active.add(inst)
                    changed = True
            for inst in marks:
                changed |= self._memory(inst)
                if self.shadow_return and inst.opcode == "ret" and inst.ops \
                        and holds_pointer(inst.ops[0].type):
                    changed |= self._mark(inst.ops[0])

    def _never_forward(self, inst) -> bool:
        """Whether `inst` stays inactive whatever its operands are (`_forward` is asked
        only about the others)."""
        if isinstance(inst, (I.Alloca, I.Store)) or (inst.is_terminator
                                                     and inst.opcode != "invoke"):
            return True
        if isinstance(inst, I.Call):
            return self._kinds[inst] in ("inactive", "allocation", "free") or \
                not carries_tangent(inst.type)
        if isinstance(inst, (I.Load, I.Phi, I.Select)):
            return False
        got = self._inactive_opcodes.get(inst.opcode)
        if got is None:
            got = self._inactive_opcodes[inst.opcode] = \
                self.registry.instruction_is_inactive(inst.opcode)
        return got

    def _any_active(self, values) -> bool:
        return any(v in self.active for v in values)

    def _forward(self, inst) -> bool:
        """Whether an operand makes `inst` (not `_never_forward`) active."""
        if isinstance(inst, I.Load):
            return inst.ops[0] in self.active
        if isinstance(inst, I.Call):
            return self._any_active(inst.args)
        if isinstance(inst, I.Select):
            return self._any_active(inst.ops[1:])
        return self._any_active(inst.ops)

    def _memory(self, inst) -> bool:
        changed = False
        if isinstance(inst, I.Store):
            value, ptr = inst.ops
            if value in self.active:
                changed |= self._mark(ptr)
            if value.type.is_pointer and self._points_into_active(ptr):
                # memory reachable from active memory may come to hold active data (a
                # constructor storing `new`'s result into a duplicated object)
                changed |= self._mark(value)
        elif isinstance(inst, (I.AtomicRMW, I.CmpXchg)):
            if self._any_active(inst.ops[1:]):
                changed |= self._mark(inst.ops[0])
        elif isinstance(inst, I.Call):
            kind = self._kinds[inst]
            fn = called_function(inst)
            if kind == "allocation" and fn.name in REALLOCATION_FUNCTIONS and inst.args:
                old = self.underlying_objects(inst.args[0])
                if inst in self.active or any(o in self.active for o in old):
                    changed |= self._mark(inst) | self._mark(inst.args[0])
            if is_memory_transfer(inst):
                if inst.args[1] in self.active:
                    changed |= self._mark(inst.args[0])
            elif kind in ("user", "rule", "custom") and self._any_active(inst.args):
                for a in inst.args:
                    if a.type.is_pointer:
                        changed |= self._mark(a)
            for k in self._communicating.get(inst, ()):
                if k < len(inst.args) and inst.args[k].type.is_pointer:
                    changed |= self._mark(inst.args[k])
        return changed

    def _points_into_active(self, pointer) -> bool:
        return pointer in self.active or any(o in self.active
                                             for o in self.underlying_objects(pointer))

    def _mark(self, pointer) -> bool:
        """Make every allocation `pointer` may point into active (it gets a shadow). A
        pointer loaded from memory this function did not fill (a field a callee set)
        makes the memory holding it active instead: its shadow then holds the shadow."""
        changed = False
        objs = self.underlying_objects(pointer)
        for obj in objs:
            if obj not in self.active:
                self.active.add(obj)
                changed = True
        if not objs:
            holder = _loaded_from(pointer)
            if holder is not None and holder not in self.active:
                changed |= self._mark(holder)
            elif holder is None and self.through_calls:
                changed |= self._mark_call_arguments(pointer)
            for h in _merged_loads(pointer) if holder is None else ():
                if h not in self.active:
                    changed |= self._mark(h)
        return changed

    def _mark_call_arguments(self, pointer) -> bool:
        """A pointer a function of the module returned (C++ `v[i]`, an accessor): it
        points into memory reached from the call's pointer arguments, which get shadows
        (the call is then differentiated and returns the shadow pointer too)."""
        call = _base_pointer(pointer)
        if not isinstance(call, I.Call) or self._kinds.get(call) != "user":
            return False
        changed = False
        for a in call.args:
            if a.type.is_pointer and a not in self.active and not self._points_into_active(a):
                changed |= self._mark(a)
        return changed

    def underlying_objects(self, pointer, seen=None):
        """Allocations (allocas, malloc calls) `pointer` may point into; pointers loaded from
        memory are followed to the pointers stored into that memory (a points-to fixed
        point over the function, computed once)."""
        if self._points_to is None:
            self._points_to = self._solve_points_to()
        return sorted(self._lookup(self._points_to, pointer), key=self._order.get)

    def _lookup(self, pts, v):
        for _ in range(16):
            if isinstance(v, I.Instruction):
                return pts.get(v, frozenset())
            if isinstance(v, ConstantExpr) and v.opcode in _POINTER_THROUGH and v.ops:
                v = v.ops[0]
            else:
                return frozenset()
        return frozenset()

    def _solve_points_to(self):
        pts: dict = {}
        pointer_stores = [(v, w) for v, w in self.stores if v.type.is_pointer]
        candidates = [i for i in self.insts if i.type.is_pointer]
        changed = True
        while changed:
            changed = False
            for inst in candidates:
                new = self._points_to_step(inst, pts, pointer_stores)
                old = pts.get(inst, frozenset())
                if not new <= old:
                    pts[inst] = old | new
                    changed = True
        return pts

    def _points_to_step(self, inst, pts, pointer_stores):
        if isinstance(inst, I.Alloca) or (isinstance(inst, I.Call)
                                          and self._kinds.get(inst) == "allocation"):
            return frozenset([inst])
        if inst.opcode in _POINTER_THROUGH:
            return self._lookup(pts, inst.ops[0])
        if isinstance(inst, I.Phi):
            return frozenset().union(*(self._lookup(pts, v) for v in inst.ops))
        if isinstance(inst, I.Select):
            return frozenset().union(*(self._lookup(pts, v) for v in inst.ops[1:]))
        if isinstance(inst, I.Load):
            holders = self._lookup(pts, inst.ops[0])
            if not holders:
                return frozenset()
            return frozenset().union(*(self._lookup(pts, v) for v, w in pointer_stores
                                       if holders & self._lookup(pts, w)))
        return frozenset()


def known_functions(args, known=None) -> tuple:
    """For a call's arguments: (index, function names) of each that is a known function
    (or one of several), so the callee can be differentiated for those functions."""
    out = []
    for i, a in enumerate(args):
        if a.type.is_pointer:
            fns = function_candidates(a, known)
            if fns and not any(f.is_declaration for f in fns):
                out.append((i, tuple(f.name for f in fns)))
    return tuple(out)


def known_map(function, module, known: tuple) -> dict:
    """`known_functions` of a call as Argument -> functions of `function`, and the module's
    address-taken functions (under `indirect.ADDRESS_TAKEN`), listed once per module
    before any derived function exists."""
    taken = module.__dict__.get("_address_taken")
    if taken is None:
        taken = module.__dict__["_address_taken"] = address_taken(module)
    out = {function.args[i]: [module.symbols[n] for n in names] for i, names in known}
    out[ADDRESS_TAKEN] = taken
    return out


def _loaded_from(pointer):
    """The address `pointer` was loaded from, through GEPs and casts (None: not loaded)."""
    for _ in range(32):
        if isinstance(pointer, I.Load):
            return pointer.ops[0]
        if isinstance(pointer, (I.GetElementPtr, I.Cast)) or (
                isinstance(pointer, ConstantExpr) and pointer.opcode in _POINTER_THROUGH):
            pointer = pointer.ops[0]
        elif isinstance(pointer, (I.Phi, I.Select)):
            return None
        else:
            return None
    return None


def _merged_loads(pointer):
    """The addresses the pointers a phi or select merges were loaded from (a Rust `Vec`'s
    buffer: the empty Vec's dangling constant, or the field `grow_one` rewrote)."""
    out, seen, stack = [], set(), [_base_pointer(pointer)]
    while stack:
        v = stack.pop()
        if id(v) in seen or not isinstance(v, (I.Phi, I.Select)):
            continue
        seen.add(id(v))
        for x in v.ops[1:] if isinstance(v, I.Select) else v.ops:
            held = _loaded_from(x)
            if held is not None:
                out.append(held)
            else:
                stack.append(_base_pointer(x))
    return out


def _base_pointer(pointer):
    """`pointer` under GEPs and casts."""
    for _ in range(32):
        if isinstance(pointer, (I.GetElementPtr, I.Cast)) or (
                isinstance(pointer, ConstantExpr) and pointer.opcode in _POINTER_THROUGH):
            pointer = pointer.ops[0]
        else:
            break
    return pointer


def open_fallback(module, call, known, derived):
    """For a call whose candidates are the module's address-taken functions (not known
    exactly): the function of `derived`'s type that reports an unknown target and aborts."""
    if function_candidates(call.callee, known) is not None:
        return None
    return unknown_target(module, derived.fn_type)


def dispatch(emit, value, pairs, fallback=None):
    """The derived function matching the primal function `value` is at run time, for
    `pairs` of (primal function, derived function): a chain of address comparisons (one
    pair: the derived function itself). With a `fallback` (candidates not known exactly),
    every pair is compared and a value matching none gets the fallback."""
    from ..ir.types import I1, I64

    if fallback is not None:
        pairs = [*pairs, (None, fallback)]
    first = pairs[0][1].fn_type  # typed pointers: every candidate as the first one's type
    result = retyped(pairs[-1][1], first, emit)
    if len(pairs) == 1:
        return result
    key = emit(I.Cast("ptrtoint", I64, [value]))
    for f, d in reversed(pairs[:-1]):
        addr = emit(I.Cast("ptrtoint", I64, [f]))
        same = emit(I.Compare("icmp", I1, [key, addr], "eq"))
        result = emit(I.Select("select", result.type, [same, retyped(d, first, emit), result]))
    return result
