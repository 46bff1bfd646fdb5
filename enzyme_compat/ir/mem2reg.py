"""Promoting allocas to SSA registers ("mem2reg"), and detached copies of functions.

-O0 code keeps every local variable in an `alloca` and reads it with loads. Before
differentiation those variables are turned into SSA values: every load is replaced by the
value last stored on the path that reaches it, with phis where paths with different
values meet (pruned SSA: phis only where the variable is live).

    from enzyme_compat.ir.mem2reg import clone_function, promote_allocas, prepared
    copy = clone_function(fn)         # detached deep copy, the user's function untouched
    promote_allocas(copy)             # -> number of allocas promoted
    fn2 = prepared(module, fn)        # memoised promoted copy, what the differentiator reads

An alloca is promotable when it sits in the entry block, allocates one element of an
integer, float, pointer or vector type, and is only loaded (with its own type) and stored
into (non-volatile, non-atomic), or named by lifetime markers and debug intrinsics/records
(those are dropped). Uses through casts or GEPs, an address stored or passed anywhere, and
aggregates keep the alloca.
"""

from __future__ import annotations

import re

from . import instructions as I
from .int_pointers import rejoin_pointers
from .module import BasicBlock, Function
from .types import FloatType, IntType, PointerType, VectorType
from .typeutil import compatible
from .values import (Argument, BlockAddress, MDNode, MDTuple, MDValue, MetadataAsValue,
                     Undef)
from .values_walk_local import map_operands

__all__ = ["clone_function", "prepared", "promotable", "promote_allocas"]

_PLAIN_NAME = re.compile(r"[A-Za-z$._][A-Za-z0-9$._]*\Z")


# ===================================================================== cloning

def reverse_postorder(entry, successors):
    """(blocks reachable from `entry` in reverse post-order, the set of them):
    every block after its dominators, loop bodies after their headers."""
    seen, post = {entry}, []
    stack = [(entry, iter(successors(entry)))]
    while stack:
        b, it = stack[-1]
        nxt = next(it, None)
        if nxt is None:
            post.append(b)
            stack.pop()
        elif nxt not in seen:
            seen.add(nxt)
            stack.append((nxt, iter(successors(nxt))))
    return post[::-1], seen

def _is_local(v) -> bool:
    return isinstance(v, (I.Instruction, Argument, BasicBlock))


def _md_has_local(md) -> bool:
    if isinstance(md, MDValue):
        return _is_local(md.value)
    if isinstance(md, MDTuple):
        return any(_md_has_local(e) for e in md.elems if e is not None)
    if isinstance(md, MDNode):
        return any(_md_has_local(v) for _, v in md.fields)
    return False


def _copy_md(md, vmap):
    """`md` itself when it names no local value, else a copy naming the values of `vmap`."""
    if not _md_has_local(md):
        return md
    if isinstance(md, MDValue):
        return MDValue(vmap.get(md.value, md.value))
    if isinstance(md, MDTuple):
        return MDTuple([None if e is None else _copy_md(e, vmap) for e in md.elems], md.distinct)
    return MDNode(md.kind, [(k, _copy_md(v, vmap)) for k, v in md.fields], md.distinct)


def clone_function(fn: Function, name: str | None = None) -> Function:
    """A deep copy of `fn` that belongs to no module: new arguments, blocks and instructions,
    operands, phi blocks, branch targets, metadata operands naming local values and
    `blockaddress` constants of `fn` remapped to the copy. Callees, globals, constants and
    module-level metadata are shared. The copy is named `name` (default: `fn`'s name)."""
    new = Function(fn.name if name is None else name, fn.fn_type, fn.addrspace)
    for k, v in fn.__dict__.items():  # header fields; private caches are not carried over
        if k.startswith("_") or k in ("args", "blocks"):
            continue
        new.__dict__[k] = list(v) if isinstance(v, list) else v
    for k in ("pre", "md", "partition", "defined", "pos"):
        v = getattr(fn, k)
        setattr(new, k, list(v) if isinstance(v, list) else v)

    vmap: dict = {}
    new.args = []
    for a in fn.args:
        c = Argument(a.type, a.name, list(a.attrs))
        c.function = new
        c.index = a.index
        vmap[a] = c
        new.args.append(c)
    bmap = {}
    for b in fn.blocks:
        nb = BasicBlock(b.name, parent=new)
        nb.pos = b.pos
        for k, v in b.__dict__.items():
            if not k.startswith("_"):
                nb.__dict__[k] = v
        bmap[b] = nb
        vmap[b] = nb
    new.blocks = [bmap[b] for b in fn.blocks]

    pairs = []
    for b in fn.blocks:
        nb = bmap[b]
        for inst in b.instructions:
            c = _clone_instruction(inst, bmap)
            c.parent = nb
            nb.instructions.append(c)
            vmap[inst] = c
            pairs.append(c)

    def remap(v):
        if isinstance(v, BlockAddress) and v.function is fn and v.block in bmap:
            return BlockAddress(v.type, new, bmap[v.block])
        return vmap.get(v, v)

    for c in pairs:
        c.ops = [MetadataAsValue(_copy_md(v.md, vmap)) if isinstance(v, MetadataAsValue)
                 else remap(v) for v in c.ops]
        if isinstance(c, I.Call):
            c.callee = remap(c.callee)
            c.bundles = [(t, [remap(v) for v in vals]) for t, vals in c.bundles]
        elif isinstance(c, I.DebugRecord):
            c.args = [None if a is None else _copy_md(a, vmap) for a in c.args]
    return new


def _clone_instruction(inst, bmap):
    """A copy of `inst` with its own lists and its block references remapped (value
    operands are remapped by the caller once every instruction exists)."""
    c = I.shallow_copy(inst)
    c.ops = list(inst.ops)
    c.flags = list(inst.flags)
    c.md = list(inst.md)
    c.parent = None
    if isinstance(inst, I.Phi):
        c.blocks = [bmap[b] for b in inst.blocks]
    elif isinstance(inst, I.Br):
        c.targets = [bmap[t] for t in inst.targets]
    elif isinstance(inst, I.Switch):
        c.default = bmap[inst.default]
        c.cases = [(v, bmap[b]) for v, b in inst.cases]
    elif isinstance(inst, I.IndirectBr):
        c.dests = [bmap[b] for b in inst.dests]
    elif isinstance(inst, I.Call):
        c.arg_attrs = [list(a) for a in inst.arg_attrs]
        c.ret_attrs = list(inst.ret_attrs)
        c.fn_attrs = list(inst.fn_attrs)
        c.bundles = list(inst.bundles)
        c.normal = bmap.get(inst.normal) if inst.normal is not None else None
        c.unwind = bmap.get(inst.unwind) if inst.unwind is not None else None
        c.indirect = [bmap[b] for b in inst.indirect]
    elif isinstance(inst, I.CatchSwitch):
        c.handlers = [bmap[b] for b in inst.handlers]
        c.unwind = bmap[inst.unwind] if inst.unwind is not None else None
    elif isinstance(inst, I.CatchRet):
        c.target = bmap[inst.target]
    elif isinstance(inst, I.CleanupRet):
        c.unwind = bmap[inst.unwind] if inst.unwind is not None else None
    elif isinstance(inst, I.LandingPad):
        c.kinds = list(inst.kinds)
    elif isinstance(inst, I.DebugRecord):
        c.args = list(inst.args)
    if isinstance(getattr(inst, "indices", None), list):
        c.indices = list(inst.indices)
    return c


# ===================================================================== promotability
def _scalar_type(t) -> bool:
    if isinstance(t, VectorType):
        return isinstance(t.elem, (IntType, FloatType, PointerType))
    return isinstance(t, (IntType, FloatType, PointerType))


def _candidate(inst) -> bool:
    """An alloca whose shape allows promotion (its uses are checked separately)."""
    if not isinstance(inst, I.Alloca) or not _scalar_type(inst.allocated_type):
        return False
    if any(f in ("inalloca", "swifterror") for f in inst.flags):
        return False
    if inst.ops:
        n = inst.ops[0]
        if getattr(n, "value", None) != 1 or not isinstance(n.type, IntType):
            return False
    return True


def _callee_name(call) -> str:
    c = call.callee
    return c.name if isinstance(c, Function) else ""


def _md_names(md, cands, out):
    """Add to `out` the candidates that the metadata `md` names."""
    if isinstance(md, MDValue):
        if md.value in cands:
            out.add(md.value)
    elif isinstance(md, MDTuple):
        for e in md.elems:
            if e is not None:
                _md_names(e, cands, out)
    elif isinstance(md, MDNode):
        for _, v in md.fields:
            _md_names(v, cands, out)


def _plain(access) -> bool:
    return access.ordering is None and "volatile" not in access.flags


class _Uses:
    """How a function uses its candidate allocas: `loads`/`stores` map the accesses to
    their alloca, `drops` the lifetime/debug instructions naming a promoted alloca, `bad`
    the candidates some other use disqualifies."""

    def __init__(self, fn, cands):
        self.loads: dict = {}
        self.stores: dict = {}
        self.drops: dict = {}  # instruction -> set of candidates it names
        self.bad: set = set()
        for b in fn.blocks:
            for inst in b.instructions:
                self._scan(inst, cands)

    def _drop(self, inst, allocas):
        self.drops.setdefault(inst, set()).update(allocas)

    def _scan(self, inst, cands):
        if isinstance(inst, I.DebugRecord):
            named = set()
            for a in inst.args:
                if a is not None:
                    _md_names(a, cands, named)
            if named:
                self._drop(inst, named)
            return
        named = set()
        ops = inst.ops
        for v in ops:
            if isinstance(v, MetadataAsValue):
                _md_names(v.md, cands, named)
        if named:
            if isinstance(inst, I.Call) and _callee_name(inst).startswith("llvm.dbg."):
                self._drop(inst, named)
            else:
                self.bad |= named
        if isinstance(inst, I.Load):
            a = ops[0]
            if a in cands:
                if _plain(inst) and compatible(inst.type, a.allocated_type):
                    self.loads[inst] = a
                else:
                    self.bad.add(a)
            return
        if isinstance(inst, I.Store):
            val, a = ops
            if val in cands:
                self.bad.add(val)
            if a in cands:
                if _plain(inst) and val is not a and compatible(val.type, a.allocated_type):
                    self.stores[inst] = a
                else:
                    self.bad.add(a)
            return
        used = [v for v in I.value_operands(inst) if v in cands]
        if not used:
            return
        if isinstance(inst, I.Call) and inst.opcode == "call" and not inst.bundles and \
                _callee_name(inst).startswith(("llvm.lifetime.start", "llvm.lifetime.end")) and \
                inst.callee not in cands:
            self._drop(inst, used)
        else:
            self.bad.update(used)


def _analyse(fn, only=None):
    """The promotable allocas of `fn` (entry-block order) and their uses."""
    if fn.is_declaration or not fn.blocks:
        return [], None
    entry = fn.blocks[0].instructions
    if only is not None:
        cands = [only] if only in entry and _candidate(only) else []
    else:
        cands = [i for i in entry if _candidate(i)]
    if not cands:
        return [], None
    uses = _Uses(fn, set(cands))
    return [a for a in cands if a not in uses.bad], uses


def promotable(alloca) -> bool:
    """Whether `alloca` (an instruction of a function) can be promoted to SSA values."""
    block = getattr(alloca, "parent", None)
    fn = getattr(block, "parent", None)
    if not isinstance(alloca, I.Alloca) or not isinstance(fn, Function):
        return False
    return bool(_analyse(fn, only=alloca)[0])


# ===================================================================== dominators
def dominator_tree(rpo: list, rpreds: list) -> dict:
    """Block -> its immediate dominator, for blocks `rpo` in reverse post-order from the
    entry, `rpreds[n]`: the positions in `rpo` of block n's predecessors (each once).
    Cooper, Harvey, Kennedy: "A Simple, Fast Dominance Algorithm"."""
    idom = [-1] * len(rpo)
    idom[0] = 0
    changed = True
    while changed:
        changed = False
        for n in range(1, len(rpo)):
            new = -1
            for p in rpreds[n]:
                if idom[p] == -1:
                    continue
                if new == -1:
                    new = p
                    continue
                a, b = p, new
                while a != b:
                    while a > b:
                        a = idom[a]
                    while b > a:
                        b = idom[b]
                new = a
            if idom[n] != new:
                idom[n] = new
                changed = True
    return {rpo[n]: rpo[idom[n]] for n in range(1, len(rpo))}


class _CFG:
    """Edges (with multiplicity, as phis need), reverse post-order of the blocks reachable
    from the entry, immediate dominators, dominator-tree children, dominance frontiers."""

    def __init__(self, fn):
        blocks = fn.blocks
        self.succs = {b: [s for s in b.successors() if s is not None] for b in blocks}
        self.preds = {b: [] for b in blocks}
        for b in blocks:
            for s in self.succs[b]:
                self.preds.setdefault(s, []).append(b)
        self.rpo, self.reachable = reverse_postorder(blocks[0],
                                                     lambda b: self.succs.get(b, ()))
        self.index = {b: n for n, b in enumerate(self.rpo)}
        self._dominators()
        self._frontiers()

    def _dominators(self):
        rpo = self.rpo
        rpreds = [[self.index[p] for p in dict.fromkeys(self.preds[b]) if p in self.index]
                  for b in rpo]
        self.idom = dominator_tree(rpo, rpreds)
        self.children = {b: [] for b in rpo}
        for b in rpo[1:]:
            self.children[self.idom[b]].append(b)
        self.rpreds = {rpo[n]: [rpo[p] for p in ps] for n, ps in enumerate(rpreds)}

    def _frontiers(self):
        df = {b: set() for b in self.rpo}
        for b in self.rpo:
            ps = self.rpreds[b]
            if len(ps) < 2:
                continue
            stop = self.idom.get(b)
            for p in ps:
                r = p
                while r is not stop and r is not None:
                    df[r].add(b)
                    r = self.idom.get(r)
        self.df = df


# ===================================================================== promotion
def _phi_blocks(cfg, defs, live):
    """Blocks of the iterated dominance frontier of `defs` where the variable is live-in."""
    out, queued = set(), set(defs)
    work = list(defs)
    while work:
        d = work.pop()
        for f in cfg.df.get(d, ()):
            if f in out:
                continue
            out.add(f)
            if f not in queued:
                queued.add(f)
                work.append(f)
    return [b for b in cfg.rpo if b in out and b in live]


def _live_in(cfg, upward, defs):
    """Blocks at whose entry the variable's value may still be read."""
    live = set(upward)
    work = list(upward)
    while work:
        b = work.pop()
        for p in cfg.rpreds.get(b, ()):
            if p not in live and p not in defs:
                live.add(p)
                work.append(p)
    return live


def _fresh_namer(fn):
    taken = {a.name for a in fn.args if a.name is not None}
    for b in fn.blocks:
        if b.name is not None:
            taken.add(b.name)
        for i in b.instructions:
            if i.name is not None:
                taken.add(i.name)

    next_n: dict = {}

    def fresh(base):
        if base is None or not _PLAIN_NAME.match(base):
            return None
        n = next_n.get(base, 0)
        while f"{base}.{n}" in taken:
            n += 1
        next_n[base] = n + 1
        name = f"{base}.{n}"
        taken.add(name)
        return name

    return fresh


def promote_allocas(fn: Function) -> int:
    """Promote every promotable alloca of `fn` in place; returns how many were promoted.

    Loads become the reaching stored value (`undef` of the type before any store, and in
    blocks unreachable from the entry), phis are placed at the iterated dominance frontier
    of the storing blocks where the variable is live-in, with one incoming entry per CFG
    edge. The allocas, their loads and stores, and the lifetime markers and debug
    intrinsics/records naming them are removed. When a removed store held the address of
    another alloca (`int *q = &v`), that alloca may have become promotable: promotion
    runs again until nothing more can be promoted."""
    from .parser import no_gc

    total = 0
    with no_gc():  # many small objects, no garbage: collection passes only cost time
        while True:
            n, again = _promote_round(fn)
            total += n
            if not again:
                return total


def _promote_round(fn):
    """One promotion of every promotable alloca: (how many, whether a removed store
    stored an alloca's address, so that another round may promote more)."""
    allocas, uses = _analyse(fn)
    if not allocas:
        return 0, False
    var = {a: n for n, a in enumerate(allocas)}
    loads = {i: var[a] for i, a in uses.loads.items() if a in var}
    stores = {i: var[a] for i, a in uses.stores.items() if a in var}
    dead = set(loads) | set(stores) | set(allocas)
    for inst, named in uses.drops.items():
        if any(a in var for a in named):
            dead.add(inst)
    types = [a.allocated_type for a in allocas]

    cfg = _CFG(fn)
    reach = cfg.reachable

    # Storing blocks and blocks reading a variable before writing it, per variable.
    defs = [set() for _ in allocas]
    upward = [set() for _ in allocas]
    for b in cfg.rpo:
        written = set()
        for inst in b.instructions:
            v = loads.get(inst)
            if v is not None:
                if v not in written:
                    upward[v].add(b)
                continue
            v = stores.get(inst)
            if v is not None:
                written.add(v)
                defs[v].add(b)

    fresh = _fresh_namer(fn)
    phis: dict = {}  # block -> [(variable, phi)]
    new_phis = []
    for v, a in enumerate(allocas):
        if not defs[v] or not upward[v]:
            continue
        live = _live_in(cfg, upward[v], defs[v])
        for b in _phi_blocks(cfg, defs[v], live):
            phi = I.Phi(types[v], [], [], name=fresh(a.name))
            phis.setdefault(b, []).append((v, phi))
            new_phis.append(phi)

    repl: dict = {}  # removed load -> its value

    def resolve(x):
        while x in repl:
            x = repl[x]
        return x

    undefs = [Undef(t) for t in types]

    def undef(v):
        return undefs[v]

    def set_load(inst, value, v):
        value = resolve(value)
        repl[inst] = value if value is not inst else undef(v)

    # Renaming: a walk of the dominator tree, the current value of each variable kept in
    # `cur` and restored when the walk leaves a subtree.
    cur = [None] * len(allocas)  # None: no store yet on this path (undef)
    stack = [(cfg.rpo[0], None)]
    while stack:
        b, undo = stack.pop()
        if undo is not None:
            for v, old in reversed(undo):
                cur[v] = old
            continue
        undo = []
        for v, phi in phis.get(b, ()):
            undo.append((v, cur[v]))
            cur[v] = phi
        for inst in b.instructions:
            v = loads.get(inst)
            if v is not None:
                set_load(inst, cur[v] if cur[v] is not None else undef(v), v)
                continue
            v = stores.get(inst)
            if v is not None:
                undo.append((v, cur[v]))
                cur[v] = resolve(inst.ops[0])
        for s in cfg.succs[b]:
            for v, phi in phis.get(s, ()):
                phi.ops.append(cur[v] if cur[v] is not None else undef(v))
                phi.blocks.append(b)
        stack.append((b, undo))
        for c in reversed(cfg.children[b]):
            stack.append((c, None))

    # Blocks the entry cannot reach: values tracked within the block only.
    for b in fn.blocks:
        if b in reach:
            continue
        local: dict = {}
        for inst in b.instructions:
            v = loads.get(inst)
            if v is not None:
                set_load(inst, local[v] if v in local else undef(v), v)
                continue
            v = stores.get(inst)
            if v is not None:
                local[v] = resolve(inst.ops[0])
        for s in cfg.succs[b]:
            for v, phi in phis.get(s, ()):
                phi.ops.append(undef(v))
                phi.blocks.append(b)

    # Phis whose incoming values are all one value (besides themselves) are that value;
    # removing one may make the new phis that use it such phis too.
    live_phis = set(new_phis)
    users: dict = {}
    for phi in new_phis:
        for o in phi.ops:
            if o in live_phis and o is not phi:
                users.setdefault(o, set()).add(phi)
    work = list(new_phis)
    while work:
        phi = work.pop()
        if phi not in live_phis:
            continue
        vals = {id(x): x for x in (resolve(o) for o in phi.ops) if x is not phi}
        if len(vals) == 1:
            value = next(iter(vals.values()))
            repl[phi] = value
            live_phis.discard(phi)
            dead.add(phi)
            affected = users.pop(phi, set())
            work.extend(affected)
            if value in live_phis:  # its users now read `value`
                users.setdefault(value, set()).update(u for u in affected if u is not value)

    # Insert the phis, drop what promotion made dead, rewrite the remaining uses.
    for b, entries in phis.items():
        kept = [phi for _, phi in entries if phi in live_phis]
        if kept:
            n = 0
            while n < len(b.instructions) and isinstance(b.instructions[n], I.Phi):
                n += 1
            for phi in kept:
                phi.parent = b
            b.instructions[n:n] = kept
    for b in fn.blocks:
        b.instructions = [i for i in b.instructions if i not in dead]

    def fix(x):
        return resolve(x) if x in repl else x

    for b in fn.blocks:
        for inst in b.instructions:
            map_operands(inst, fix, constants=False)
    again = any(isinstance(i.ops[0], I.Alloca) for i in stores)
    return len(allocas), again


# ===================================================================== the hook
def _stamp(fn):
    return len(fn.blocks), sum(len(b.instructions) for b in fn.blocks)


def prepared(module, fn: Function) -> Function:
    """A copy of `fn` (same name, not inserted in `module`) with its allocas promoted and
    its `ptrtoint`..`inttoptr` round trips rejoined (int_pointers), memoised per module and
    function; a new copy is made when `fn`'s number of blocks or instructions has changed
    since. The caller must not modify the returned copy."""
    if not any(isinstance(i, I.Alloca) or i.opcode == "inttoptr" for b in fn.blocks for i in b.instructions):
        return fn  # nothing to promote or rejoin (optimized IR): a copy would only cost time
    cache = module.__dict__.setdefault("_mem2reg_prepared", {})
    hit = cache.get(fn)
    stamp = _stamp(fn)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    from .parser import no_gc

    with no_gc():
        copy_ = clone_function(fn)
    promote_allocas(copy_)
    rejoin_pointers(copy_)  # pointers SROA passed through integers keep their shadows
    cache[fn] = (stamp, copy_)
    return copy_
