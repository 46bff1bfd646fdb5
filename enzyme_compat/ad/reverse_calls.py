"""Calls in the two sweeps (a mixin of `reverse.GradientSynthesis`): a call of a function
of the module runs its augmented function in the forward sweep and its reverse function at
the mirrored point of the reverse sweep, on the same tape; allocations get zeroed shadows
(freed where the reverse sweep reaches the allocation); calls with rules (math functions,
intrinsics, memory transfers) apply them; the rest is refused with the reason."""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.types import I64, VOID
from .activity import (allocation_like, called_function, dispatch, known_functions,
                       open_fallback, rule_name, user_candidates)
from .builder import zero_of
from .errors import NoDerivativeError, no_derivative_message
from .indirect import call_type, retyped
from .reverse_builder import adjoints_from_forward
from .types_analysis import holds_float

# Argument kinds: active scalars (adjoint returned), duplicated pointers, constants.
OUT, DUP, CONST = "out", "dup", "const"


class CallSweeps:
    def _forward_call(self, inst, c, nb):
        kind = self.activity.kind(inst)
        if kind == "free" and self.reloads() is not None and inst in self.reloads().deferred:
            return  # at the end of the reverse sweep: the reverse sweep re-reads the block
        callee = called_function(inst)
        active_args = any(self.activity.is_active(a) or a in self.shadow for a in inst.args)
        if kind == "inactive" or (not active_args and not self.activity.is_active(inst)
                                  and kind not in ("allocation",)
                                  and not self.activity.communicates(inst)):
            nb.append(c)
            return
        if kind == "custom" and callee.name in self.custom.gradients:
            self._forward_custom(inst, c, nb, self.custom.gradients[callee.name])
            return
        if kind == "user" or (kind == "custom" and not callee.is_declaration):
            self._forward_user_call(inst, c, nb, user_candidates(inst, self.known))
            return
        nb.append(c)
        if kind == "allocation":
            if not self.activity.is_active(inst):
                return
            name = callee.name
            if name == "realloc":
                self._shadow_realloc(inst, nb)
                return
            args = [self._i64(nb, self.new(a)) for a in inst.args]
            custom = allocation_like(self.registry, self.custom, name)
            if custom is not None and custom[1] is not None:
                self._custom_shadow_allocation(inst, c, nb, custom)
                return
            if custom is not None:
                args = [args[k] for k in custom[0] if k < len(args)]
            size = args[0]
            for more in args[1:] if name == "calloc" or custom is not None else ():
                size = nb.append(I.BinaryOp("mul", I64, [size, more]))
            self.shadow[inst] = self._shadow_alloc(nb, size, inst.type)
            return
        if kind == "free":
            return
        if kind in ("unknown", "indirect", "custom"):
            raise self.error(NoDerivativeError, inst, no_derivative_message(callee, inst))
        # memory transfers of pointer-holding bytes copy the shadows in this sweep
        rule = self._rule_for_call(inst, callee)
        if rule is None:
            raise self.error(NoDerivativeError, inst, f"no reverse rule for @{callee.name}")
        fwd = getattr(rule.adjoint, "forward", None) if rule.adjoint else None
        if fwd is not None:
            fwd(self, inst, c, nb)

    def _rule_for_call(self, inst, callee):
        """The reverse rule of a call (None: no rule; a rule derived from the forward one
        for elementwise math); asked in both sweeps, remembered per callee and shape."""
        memo = self.__dict__.setdefault("_call_rules", {})
        key = (callee, any(a.type.is_pointer for a in inst.args) or inst.type.is_pointer)
        if key not in memo:
            memo[key] = self._find_rule_for_call(inst, callee)
        return memo[key]

    def _find_rule_for_call(self, inst, callee):
        name = rule_name(self.custom, callee)
        kind = "intrinsic" if name.startswith("llvm.") else "function"
        rule = self.registry.reverse(kind, name)
        if rule is not None:
            return rule
        frule = (self.registry.intrinsic(name) if kind == "intrinsic"
                 else self.registry.function(name))
        if frule is None or frule.inactive:
            return None
        if any(a.type.is_pointer for a in inst.args) or inst.type.is_pointer:
            return None  # writes or reads memory: needs its own reverse rule
        return FromForward(frule)

    def _callee_activity(self, inst, callee):
        acts = []
        for a, t in zip(inst.args, callee.fn_type.params):
            if a.type.is_pointer:
                acts.append(DUP if a in self.shadow else CONST)
            elif holds_float(a.type) and self.activity.is_active(a):
                acts.append(OUT)
            else:
                acts.append(CONST)
        return tuple(acts)

    def _forward_user_call(self, inst, c, nb, callees):
        """A call of a function of this module (or of one of several known ones through a
        function pointer): its augmented function now, its reverse one in the reverse
        sweep, on the same tape."""
        callee = callees[0]
        self.check_user_call(inst, callee, unwinds=True)
        acts = self._callee_activity(inst, callee)
        ret_active = self.has_adjoint(inst)
        known = known_functions(inst.args, self.known)
        gs = [self.mode.gradient(f, acts, ret_active, known, self.g.nofree, self.g.atomic)
              for f in callees]
        g = gs[0]
        args = [self.ftape]
        for pa, a, act in zip(inst.args, c.args, acts):
            args.append(a)
            if act == DUP:
                args.append(self.shadow[pa])
        aug = g.augmented
        target = dispatch(nb.append, c.callee, [(x.primal, x.augmented) for x in gs],
                          open_fallback(self.module, inst, self.known, aug))
        ct = call_type(aug.fn_type, args)
        call = nb.append(I.Call("call", ct.ret, ct, retyped(target, ct, nb.append), args,
                                [[] for _ in args]))
        self.invoked = call
        if g.ret_shadow:
            self.vmap[inst] = nb.append(I.ExtractValue(inst.type, [call], [0]))
            self.shadow[inst] = nb.append(I.ExtractValue(inst.type, [call], [1]))
        elif inst.type != VOID:
            self.vmap[inst] = call
        self.user_calls[inst] = (gs, acts)

    # ------------------------------------------------------------ reverse sweep
    def _reverse_call(self, inst):
        if inst in self.user_calls:
            self._reverse_user_call(inst, *self.user_calls[inst])
            return
        if inst in self.custom_calls:
            self._reverse_custom(inst, *self.custom_calls[inst])
            return
        kind = self.activity.kind(inst)
        if kind == "allocation":
            self._deferred_free(inst)
            if inst in self.realloc_kept:
                self._reverse_realloc(inst)
            free_fn, free_args = self.custom_frees.get(inst, (None, ()))
            if inst in self.shadow and free_fn is not None:
                if not self.g.nofree:
                    p = self.fwd(self.shadow[inst])
                    t = free_fn.fn_type.params[0]
                    p = p if p.type == t else self.remit(I.Cast("bitcast", t, [p]))
                    args = [p, *(self.fwd(a) for a in free_args)]
                    self.remit(I.Call("call", free_fn.fn_type.ret, free_fn.fn_type, free_fn,
                                      args, [[] for _ in args]))
                else:
                    self.fwd(self.shadow[inst])  # the tape layout does not change
            elif inst in self.shadow:
                self._free(self.fwd(self.shadow[inst]))
            return
        if kind in ("inactive", "free", "user", "unknown", "indirect", "custom"):
            return  # inactive here (the forward sweep refused the active ones)
        callee = called_function(inst)
        touches_memory = any(a in self.shadow for a in inst.args) \
            or self.activity.communicates(inst)
        if not touches_memory and not self.has_adjoint(inst):
            return
        rule = self._rule_for_call(inst, callee)
        if rule is None:
            return
        dy = self.take_adjoint(inst)
        if dy is None and not touches_memory:
            return
        self._apply(rule, inst, inst.args, dy)

    def _deferred_free(self, alloc):
        """The primal free of `alloc` the forward sweep left out (reload.py)."""
        rl = self.reloads()
        for f, m in (rl.deferred.items() if rl is not None else ()):
            if m is alloc:
                args = []
                for a, t in zip(f.args, f.fn_type.params):
                    v = self.fwd(self.new(m)) if a.type.is_pointer else self.fwd(self.new(a))
                    args.append(v if v.type == t else self.remit(I.Cast("bitcast", t, [v])))
                self.remit(I.Call("call", f.type, f.fn_type, f.callee, args,
                                  [[] for _ in args]))

    def _reverse_user_call(self, inst, gs, acts):
        g = gs[0]
        args = [self.rtape]
        for a, act in zip(inst.args, acts):
            args.append(self.fwd(self.new(a)))
            if act == DUP:
                args.append(self.fwd(self.shadow[a]))
        if g.ret_active:
            d = self.take_adjoint(inst)
            args.append(d if d is not None else zero_of(inst.type))
        rev = g.reverse
        pairs = [(x.primal, x.reverse) for x in gs]
        fallback = open_fallback(self.module, inst, self.known, rev)
        target = dispatch(self.remit, self.fwd(self.new(inst.callee))
                          if len(pairs) > 1 or fallback else None, pairs, fallback)
        ct = call_type(rev.fn_type, args)
        r = self.remit(I.Call("call", ct.ret, ct, retyped(target, ct, self.remit), args,
                              [[] for _ in args]))
        for k, i in enumerate(g.outs):
            a = inst.args[i]
            d = self.remit(I.ExtractValue(a.type, [r], [k]))
            self.add_adjoint(a, d)


class FromForward:
    """A reverse rule read off an elementwise forward rule."""

    def __init__(self, frule):
        self.frule = frule

    def adjoint(self, rb, args, dy):
        ops = rb.inst.args if isinstance(rb.inst, I.Call) else rb.inst.ops
        if dy is None:
            return [None] * len(ops)
        return adjoints_from_forward(self.frule, rb, args, dy, ops)

