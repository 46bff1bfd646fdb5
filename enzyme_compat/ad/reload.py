"""Loads the reverse sweep may repeat instead of taping their values.

When the augmented forward and the reverse function run back to back (`__enzyme_autodiff`:
nothing else runs between them), a load from memory that nothing writes after the load
reads the same bytes again in the reverse sweep. The memory must be the caller's (an
argument or a global: a local allocation dies or changes before the reverse sweep), and
no store, memory intrinsic or call that can run after the load may write an object the
load's address may point into. Split mode (`__enzyme_augmentfwd`/`__enzyme_reverse`) and
callees' gradients (their callers run code between the two halves) keep taping. Heap
blocks the function allocates and frees itself may also be rewound (rewind.py)."""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.attributes import AttrGroupRef, find, parse_memory
from ..ir.module import GlobalVariable
from ..ir.values import Argument, ConstantExpr
from .abi import strip_casts
from .activity import called_function
from .rewind import Rewinding, connected

ANY = None  # a write to memory that may be any object

_THROUGH = frozenset({"getelementptr", "bitcast", "addrspacecast"})
# calls whose memory effects say nothing else: writes of the pointer arguments' objects
_ARG_WRITERS = frozenset({"allocation", "free"})
_MAY_WRITE = (I.Store, I.Call, I.AtomicRMW, I.CmpXchg)  # what `_writes` finds writes in
_INT_ARITH = frozenset({"add", "sub", "mul", "and", "or", "xor", "shl", "lshr", "ashr",
                        "udiv", "sdiv", "urem", "srem", "trunc", "zext", "sext", "select",
                        "phi", "freeze"})


def _written(effects: dict | None) -> tuple[bool, bool]:
    """(writes through pointer arguments, writes other visible memory) of `memory(...)`;
    inaccessible memory and errno are nobody's objects."""
    if effects is None:
        return True, True
    other = effects.get("other", 3)
    return bool(effects.get("argmem", other) & 2), bool(other & 2)


def _call_effects(module, call) -> tuple[bool, bool]:
    attrs = list(call.fn_attrs)
    fn = called_function(call)
    if fn is not None:
        attrs += fn.fn_attrs
    expanded = []
    for a in attrs:
        if isinstance(a, AttrGroupRef):
            group = module.attr_groups.get(a.id)
            expanded += group.attrs if group is not None else []
        else:
            expanded.append(a)
    if find(expanded, "readnone") is not None:
        return False, False
    if find(expanded, "readonly") is not None:
        return False, False
    mem = find(expanded, "memory")
    args_only = find(expanded, "argmemonly") is not None
    if mem is not None:
        return _written(parse_memory(mem.arg or ""))
    return True, not args_only


def _written_arguments(call, fn):
    """The pointer arguments of `call` that it may write through (not `readonly` or
    `readnone` at the call site or on the callee's parameter)."""
    out = []
    for k, a in enumerate(call.args):
        if not a.type.is_pointer:
            continue
        attrs = list(call.arg_attrs[k]) if k < len(call.arg_attrs) else []
        if fn is not None and k < len(fn.args):
            attrs += fn.args[k].attrs
        if find(attrs, "readonly") is None and find(attrs, "readnone") is None:
            out.append(a)
    return out


class Reloads(Rewinding):
    """The loads of `fn` (a function body whose call kinds `kind(call)` gives) that read
    the same value when repeated at the end of the function, and the frees moved there so
    that heap blocks they read stay alive (`deferred`: free call -> allocation)."""

    _BUDGET = 4_000_000  # blocks x writer blocks walked at most (else: tape everything)

    def __init__(self, module, fn, kind):
        self.module = module
        self.fn = fn
        self.kind = kind
        self._objects: dict = {}
        self._reaching: dict = {}  # id(block) -> ids of the blocks it is reachable from
        self._preds = None
        self._user_map = None
        self.loads: set = set()
        self.deferred: dict = {}
        self.undo_stores: set = set()  # stores the reverse sweep undoes
        self.block_local: set = set()  # loads re-read only where rereadable_at says
        self.rewound: set = set()  # the heap blocks the reverse sweep rewinds
        self._rereadable: dict = {}
        frees = self._deferrable_frees()
        by_object: dict = {}
        anywhere = []
        for b in fn.blocks:
            for inst in b.instructions:
                if not isinstance(inst, _MAY_WRITE) or inst in frees:
                    continue  # (_writes of anything else: nothing)
                w = self._writes(inst)
                if w is ANY:
                    anywhere.append(inst)
                else:
                    for o in w:
                        by_object.setdefault(o, []).append(inst)
        writer_blocks = {id(w.parent) for ws in by_object.values() for w in ws}
        writer_blocks |= {id(w.parent) for w in anywhere}
        if len(writer_blocks) * len(fn.blocks) > self._BUDGET:
            return
        allocated = {m: f for f, m in frees.items()}
        for b in fn.blocks:
            for inst in b.instructions:
                if isinstance(inst, I.Load) and self._reloadable(inst, by_object, anywhere,
                                                                 allocated):
                    self.loads.add(inst)
                    for o in self.objects(inst.ops[0]):
                        if o in allocated:
                            self.deferred[allocated[o]] = o
        if not anywhere:
            self._undo_logging(by_object, allocated)

    # ------------------------------------------------------------------ objects
    def objects(self, p):
        """The objects pointer `p` may point into (arguments, globals, allocations), or
        ANY when some are unknown (a loaded pointer, a call's result, integer casts): the
        roots of everything `p` is derived from through addressing, phis and selects
        (walked whole, as a phi may take its own value back around a loop)."""
        key = id(p)
        if key in self._objects:
            return self._objects[key]
        out, seen, work = set(), {key}, [p]
        while work:
            v = work.pop()
            if isinstance(v, (Argument, GlobalVariable, I.Alloca)):
                out.add(v)
                continue
            if isinstance(v, (I.Instruction, ConstantExpr)) and v.opcode in _THROUGH and v.ops:
                nxt = v.ops[:1]
            elif isinstance(v, I.Phi):
                nxt = v.ops
            elif isinstance(v, I.Select):
                nxt = v.ops[1:]
            elif isinstance(v, I.Call) and self._kind(v) == "allocation":
                out.add(v)
                continue
            else:
                self._objects[key] = ANY
                return ANY
            for x in nxt:
                if id(x) not in seen:
                    seen.add(id(x))
                    work.append(x)
        self._objects[key] = result = frozenset(out)
        return result

    def _kind(self, call):
        try:
            return self.kind(call)
        except KeyError:
            return "unknown"

    def _writes(self, inst):
        """The objects `inst` may write (empty: none; ANY: any)."""
        if isinstance(inst, I.Store):
            return self.objects(inst.ops[1])
        if inst.opcode in ("atomicrmw", "cmpxchg"):
            return self.objects(inst.ops[0])
        if not isinstance(inst, I.Call):
            return frozenset()
        kind = self._kind(inst)
        fn = called_function(inst)
        pointers = [a for a in inst.args if a.type.is_pointer]
        if kind == "allocation" and fn is not None and fn.name not in ("realloc",):
            return frozenset()
        if kind not in _ARG_WRITERS:
            if kind == "rule" and not pointers and not inst.type.is_pointer:
                through_args, other = False, False  # elementwise math: errno at most
            else:
                through_args, other = _call_effects(self.module, inst)
            if other:
                return ANY
            if not through_args:
                return frozenset()
        out = frozenset()
        for a in (pointers if kind in _ARG_WRITERS else _written_arguments(inst, fn)):
            o = self.objects(a)
            if o is ANY:
                return ANY
            out |= o
        return out

    # ------------------------------------------------------------------ frees
    def _deferrable_frees(self) -> dict:
        """free call -> the allocation it releases, for heap blocks whose address stays in
        this function (only addressed, loaded from, stored to) and that exactly one free
        releases on every way from the allocation to a return: that free can run at the
        end of the reverse sweep instead (where the sweep reaches the allocation)."""
        frees = [i for b in self.fn.blocks for i in b.instructions
                 if isinstance(i, I.Call) and self._kind(i) == "free"]
        out = {}
        for f in frees:
            ptrs = [a for a in f.args if a.type.is_pointer]
            if len(ptrs) != 1 or any(not a.type.is_pointer and isinstance(a, I.Instruction)
                                     for a in f.args):
                continue
            m = strip_casts(ptrs[0])
            if not (isinstance(m, I.Call) and self._kind(m) == "allocation"
                    and getattr(called_function(m), "name", None) != "realloc"):
                continue
            if any(g is not f and (self.objects(a) is ANY or m in self.objects(a))
                   for g in frees for a in g.args if a.type.is_pointer):
                continue
            if self._contained(m, {f}) and self._always_freed(m, f):
                out[f] = m
        left = [f for f in frees if f not in out]
        out.update(self._deferrable_swapped(left, set(out.values())))
        return out

    def _deferrable_swapped(self, frees, taken) -> dict:
        """free call -> allocation for frees that each release one of several heap blocks
        through pointers that change places (a grid and its twin swapped every step):
        when as many frees as blocks run exactly once on every way to a return, every
        block is allocated exactly once on every such way and its address stays in this
        function, each block is released exactly once (a second free of one would be
        undefined), so the frees can all run at the end of the reverse sweep."""
        groups: dict = {}
        for f in frees:
            ptrs = [a for a in f.args if a.type.is_pointer]
            objs = self.objects(ptrs[0]) if len(ptrs) == 1 and len(f.args) == 1 else ANY
            if objs is ANY or not objs or objs & taken or not all(
                    isinstance(o, I.Call) and self._kind(o) == "allocation"
                    and getattr(called_function(o), "name", None) != "realloc"
                    for o in objs):
                continue
            groups.setdefault(called_function(f), []).append((f, objs))
        out = {}
        for callee, fs in groups.items():
            if callee is None:
                continue
            for group in connected([objs for _, objs in fs]):
                members = [f for f, objs in fs if objs <= group]
                if len(members) != len(group) or any(
                        g not in members and objs & group for g, objs in fs):
                    continue
                ms = sorted(group, key=self._position)
                if all(self._once_per_call(x.parent) for x in [*members, *ms]) and \
                        all(self._contained(m, set(members)) for m in ms):
                    out.update(zip(members, ms))
        return out

    def _position(self, inst):
        blocks = self.fn.blocks
        return blocks.index(inst.parent), inst.parent.instructions.index(inst)

    def _once_per_call(self, block) -> bool:
        """`block` runs exactly once on every way from the entry to a return: it is in no
        cycle and no return is reachable from the entry without it."""
        if id(block) in self._blocks_reaching(block):
            return False
        entry = self.fn.blocks[0]
        if entry is block:
            return True
        seen, work = {id(entry)}, [entry]
        while work:
            b = work.pop()
            term = b.instructions[-1] if b.instructions else None
            succ = term.successors() if term is not None else []
            if term is not None and term.opcode == "ret":
                return False
            for s in succ:
                if s is not block and id(s) not in seen:
                    seen.add(id(s))
                    work.append(s)
        return True

    def _contained(self, m, frees) -> bool:
        """Whether every use of `m`'s address only addresses, loads or stores through it,
        compares it, passes it to an intrinsic that keeps no copy (memcpy, memset) or is
        one of `frees`."""
        work, seen = [m], set()
        while work:
            v = work.pop()
            if id(v) in seen:
                continue
            seen.add(id(v))
            for u in self._users(v):
                if u in frees:
                    continue
                if isinstance(u, I.Load) or (isinstance(u, I.Store) and u.ops[0] is not v):
                    continue
                if u.opcode in _THROUGH or isinstance(u, (I.Phi, I.Select)):
                    work.append(u)
                    continue
                if u.opcode == "icmp" or u.opcode == "ptrtoint" and self._compared_only(u):
                    continue  # the vectorizer's overlap checks: addresses only compared
                if not _uncaptured_by_intrinsic(u, v):
                    return False
        return True

    def _compared_only(self, addr) -> bool:
        """The integer `addr` only feeds integer arithmetic and comparisons (the
        vectorizer's overlap checks), never a pointer again nor memory."""
        work, seen = [addr], set()
        while work:
            v = work.pop()
            if id(v) in seen:
                continue
            seen.add(id(v))
            for u in self._users(v):
                if u.opcode == "icmp":
                    continue
                if u.opcode not in _INT_ARITH:
                    return False
                work.append(u)
        return True

    def _users(self, v):
        """Instructions of the function with `v` among their operands."""
        if self._user_map is None:
            self._user_map = self.fn.operand_users()
        return self._user_map.get(id(v), [])

    def _always_freed(self, m, free) -> bool:
        """Every way from `m` to the end of the function runs `free`."""
        fb, mb = free.parent, m.parent
        if fb is mb:
            return mb.instructions.index(free) > mb.instructions.index(m)
        seen, work = {id(mb)}, [mb]
        while work:
            b = work.pop()
            term = b.instructions[-1] if b.instructions else None
            succ = term.successors() if term is not None else []
            if term is None or (not succ and term.opcode != "unreachable"):
                return False  # a return (or resume) without the free
            for s in succ:
                if s is not fb and id(s) not in seen:
                    seen.add(id(s))
                    work.append(s)
        return True

    # ------------------------------------------------------------------ aliasing
    @staticmethod
    def _may_alias(a, b) -> bool:
        if a is b:
            return True
        if not isinstance(a, (Argument, GlobalVariable)) or \
                not isinstance(b, (Argument, GlobalVariable)):
            return False  # a local allocation is no other object
        if isinstance(a, GlobalVariable) and isinstance(b, GlobalVariable):
            return False
        return not any(isinstance(x, Argument) and find(x.attrs, "noalias") is not None
                       for x in (a, b))

    def _runs_after(self, writer, load) -> bool:
        wb, lb = writer.parent, load.parent
        if wb is lb and wb.instructions.index(writer) > wb.instructions.index(load):
            return True
        reaching = self._reaching.get(id(wb))
        if reaching is None:
            reaching = self._reaching[id(wb)] = self._blocks_reaching(wb)
        return id(lb) in reaching

    def _blocks_reaching(self, target):
        if self._preds is None:
            self._preds = {}
            for b in self.fn.blocks:
                term = b.instructions[-1] if b.instructions else None
                for s in (term.successors() if term is not None else ()):
                    self._preds.setdefault(id(s), []).append(b)
        out, work = set(), [target]
        while work:
            for p in self._preds.get(id(work.pop()), ()):
                if id(p) not in out:
                    out.add(id(p))
                    work.append(p)
        return out

    # ------------------------------------------------------------------ loads
    def _reloadable(self, load, by_object, anywhere, allocated) -> bool:
        if load.ordering is not None or "volatile" in (load.flags or ()):
            return False
        objs = self.objects(load.ops[0])
        if objs is ANY or not objs or not all(
                isinstance(o, (Argument, GlobalVariable)) or o in allocated for o in objs):
            return False
        writers = list(anywhere)
        for o, ws in by_object.items():
            if any(self._may_alias(o, x) for x in objs):
                writers += ws
        return not any(self._runs_after(w, load) for w in writers)



def _uncaptured_by_intrinsic(call, v) -> bool:
    """`call` is an intrinsic that keeps no copy of `v` wherever it receives it."""
    fn = called_function(call) if isinstance(call, I.Call) else None
    if fn is None or not fn.name.startswith("llvm.") or call.callee is v:
        return False
    for k, a in enumerate(call.args):
        if a is not v:
            continue
        attrs = list(call.arg_attrs[k]) if k < len(call.arg_attrs) else []
        attrs += fn.args[k].attrs if k < len(fn.args) else []
        cap = find(attrs, "captures")
        if find(attrs, "nocapture") is None and (cap is None or (cap.arg or "").strip() != "none"):
            return False
    return True
