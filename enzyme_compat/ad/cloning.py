"""Copying a primal body into a derivative function: instructions cloned with their
operands remapped, blocks mapped one to one, debug intrinsics left out."""

from __future__ import annotations

import re

from ..ir import instructions as I
from ..ir.mem2reg import prepared, reverse_postorder
from ..ir.module import BasicBlock, Function
from ..ir.values import MetadataAsValue
from .activity import called_function

# Attachments that would be wrong or dangling on a copy placed in another function.
DROP_MD = ("dbg", "llvm.loop", "heapallocsite")


def is_debug(inst) -> bool:
    if isinstance(inst, I.Call):
        fn = called_function(inst)
        return fn is not None and fn.name.startswith("llvm.dbg.")
    return isinstance(inst, I.DebugRecord)


def body_to_differentiate(module, primal):
    """The body a derivative of `primal` is built from (mem2reg's `prepared` copy), with
    `primal` noted among the module's differentiated functions: only their instructions
    are ever copied into derived functions (see `differentiated_functions`)."""
    module.__dict__.setdefault("_differentiated", {})[id(primal)] = primal
    return prepared(module, primal)


def differentiated_functions(module) -> dict:
    """id -> function, of every function of `module` a derivative was built from."""
    return module.__dict__.get("_differentiated", {})


def per_module(cls, module, registry, loose_types: bool):
    """The one `cls` (ForwardMode, ReverseMode) of `module` for `registry`: its memo tables
    live as long as the module."""
    modes = module.__dict__.setdefault("_ad_modes", {})
    key = (cls, id(registry), loose_types)
    mode = modes.get(key)
    if mode is None:
        mode = modes[key] = cls(module, registry, loose_types)
    return mode


def block_order(function) -> list:
    """Blocks in reverse post-order (every definition before its non-phi uses), then the
    blocks unreachable from the entry."""
    return block_order_and_reach(function)[0]


def block_order_and_reach(function) -> tuple:
    """`block_order(function)`, and how many of its first blocks are reachable."""
    order, seen = reverse_postorder(function.blocks[0], lambda b: b.successors())
    return order + [b for b in function.blocks if b not in seen], len(order)


class BodyCloner:
    """`vmap` maps primal values to their copies, `bmap` primal blocks to new blocks of
    `fn` (created here, in the primal's order)."""

    def __init__(self, primal, fn):
        self.primal = primal
        self.fn = fn
        self.vmap: dict = {}
        self.bmap = {b: BasicBlock(b.name, parent=fn) for b in primal.blocks}

    def new(self, v):
        return self.vmap.get(v, v)

    def check_user_call(self, inst, callee, unwinds: bool = False):
        """A call of a function of the module that can be differentiated as a call: the
        same prototype as the callee, a plain `call` (or an `invoke` when `unwinds`)."""
        from ..ir.typeutil import compatible
        from .errors import UnsupportedInstructionError

        params = callee.fn_type.params
        # typed pointers to other pointees pass (a virtual call's `this`: the derived call is
        # made with the call site's types, see indirect.call_type)
        if len(inst.args) != len(params) or inst.fn_type.vararg != callee.fn_type.vararg \
                or not all(compatible(a.type, t) or a.type.is_pointer and t.is_pointer
                           and a.type.addrspace == t.addrspace
                           for a, t in zip(inst.args, params)):
            raise self.error(UnsupportedInstructionError, inst,
                             "the call's prototype differs from the callee's")
        if inst.opcode != "call" and not (unwinds and inst.opcode == "invoke"):
            raise self.error(UnsupportedInstructionError, inst,
                             f"`{inst.opcode}` of a differentiated function is not supported")

    def declare(self, name: str, fn_type) -> Function:
        """The module's function `@name`, declared with `fn_type` on first use."""
        from .errors import DifferentiationError

        f = self.module.symbols.get(name)
        if isinstance(f, Function):
            return f
        if f is not None:
            raise DifferentiationError(f"@{name} is needed as a function but names a global")
        f = Function(name, fn_type)
        self.module.functions.append(f)
        self.module.symbols[name] = f
        return f

    def clone(self, inst):
        """A detached copy of `inst` (operands still the primal's: see `remap`)."""
        c = I.shallow_copy(inst)
        c.ops = list(inst.ops)
        c.flags = list(inst.flags)
        c.md = [(k, m) for k, m in inst.md if k not in DROP_MD] if inst.md else []
        c.parent = None
        if isinstance(inst, I.Call):
            c.arg_attrs = [list(a) for a in inst.arg_attrs]
            c.bundles = [(t, list(vs)) for t, vs in inst.bundles]
        elif isinstance(inst, I.Phi):
            c.blocks = [self.bmap[b] for b in inst.blocks]
        elif isinstance(inst, I.Br):
            c.targets = [self.bmap[t] for t in inst.targets]
        elif isinstance(inst, I.Switch):
            c.default = self.bmap[inst.default]
            c.cases = [(v, self.bmap[b]) for v, b in inst.cases]
        return c

    def remap(self, c):
        c.ops = [v if isinstance(v, MetadataAsValue) else self.vmap.get(v, v) for v in c.ops]
        if isinstance(c, I.Call):
            c.callee = self.vmap.get(c.callee, c.callee)
            c.bundles = [(t, [self.vmap.get(v, v) for v in vs]) for t, vs in c.bundles]

    def clone_all(self):
        """Clone every non-debug instruction up front (phis and forward references need
        the copies before their blocks are filled)."""
        for b in self.primal.blocks:
            for inst in b.instructions:
                if not is_debug(inst):
                    self.vmap[inst] = self.clone(inst)


_PLAIN = re.compile(r"[-a-zA-Z$._][-a-zA-Z$._0-9]*\Z")


def derived_name(name: str | None, prefix: str = "", suffix: str = "") -> str | None:
    """`prefix + name + suffix` as an IR identifier: names are kept as written (quoted
    when they must be), so the parts are joined inside the quotes and quoted again when
    the result is not a plain identifier (`%x` -> `%"x'"`)."""
    if name is None:
        return None
    bare = name[1:-1] if len(name) >= 2 and name[0] == name[-1] == '"' else name
    joined = f"{prefix}{bare}{suffix}"
    return joined if _PLAIN.match(joined) else f'"{joined}"'
