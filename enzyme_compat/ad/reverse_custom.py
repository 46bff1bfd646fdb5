"""Derivatives registered in the IR, in the reverse sweep (a mixin of
`reverse.GradientSynthesis`): a call of a function with a registered gradient runs its
augmented function in the forward sweep and its reverse function at the mirrored point
(conventions in `custom.CustomGradient`)."""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.types import VOID
from .builder import zero_of
from .errors import DifferentiationError, ShadowError
from .types_analysis import holds_float


def _sret_type(fn):
    """The struct a function returns through its first parameter (`sret`), if it does."""
    if fn.args and any(getattr(a, "kind", None) == "sret" for a in fn.args[0].attrs):
        for a in fn.args[0].attrs:
            if getattr(a, "kind", None) == "sret" and getattr(a, "arg", None) is not None:
                return a.arg
        return fn.fn_type.params[0].pointee  # typed pointers before `sret(T)`
    return None



class CustomCalls:
    def _custom_args(self, inst, values, shadows, fn, what):
        """f's arguments with each pointer followed by its shadow, as `fn` takes them."""
        out = []
        for a, v in zip(inst.args, values):
            out.append(v)
            if a.type.is_pointer:
                s = shadows(a)
                if s is None:
                    raise self.error(ShadowError, inst,
                                     f"the registered {what} @{fn.name} takes a shadow for "
                                     "every pointer argument, and this one has none (pass "
                                     "its memory as enzyme_dup)")
                out.append(s)
        return out

    def _check_arity(self, inst, fn, args, what):
        if len(fn.fn_type.params) != len(args):
            raise self.error(DifferentiationError, inst,
                             f"the registered {what} @{fn.name} takes "
                             f"{len(fn.fn_type.params)} parameters; Enzyme's convention "
                             f"gives it {len(args)} here (each pointer followed by its "
                             "shadow" + (", then the adjoint of the result and the tape)"
                                         if what == "reverse function" else ")"))

    def _forward_custom(self, inst, c, nb, cg):
        """A registered gradient: its augmented function runs in the forward sweep."""
        for a in inst.args:
            if a.type.is_pointer:
                for obj in self.activity.underlying_objects(a):
                    if isinstance(obj, I.Alloca):
                        self.heap_allocas[obj] = True
        args = self._custom_args(inst, c.args, lambda a: self.shadow.get(a), cg.aug,
                                 "augmented forward function")
        self._check_arity(inst, cg.aug, args, "augmented forward function")
        args = [a if a.type == t else nb.append(I.Cast("bitcast", t, [a]))
                for a, t in zip(args, cg.aug.fn_type.params)]
        r = nb.append(I.Call("call", cg.aug.fn_type.ret, cg.aug.fn_type, cg.aug, args,
                             [[] for _ in args]))
        has_tape, has_primal = cg.aug_returns()
        tape = None
        if has_tape and has_primal:
            tape = nb.append(I.ExtractValue(r.type.elems[0], [r], [0]))
            self.vmap[inst] = nb.append(I.ExtractValue(r.type.elems[1], [r], [1]))
        elif has_tape:
            tape = r
        elif has_primal:
            self.vmap[inst] = r
        if not has_primal and inst.type != VOID:
            nb.append(c)  # the primal result from f itself
        self.custom_calls[inst] = (cg, tape)

    def _reverse_custom(self, inst, cg, tape):
        """The registered reverse function, with the adjoint of the result and the tape;
        it returns the adjoints of the float parameters and updates the shadows."""
        values = [self.fwd(self.new(a)) for a in inst.args]
        args = self._custom_args(inst, values, lambda a: self.fwd(self.shadow[a])
                                 if a in self.shadow else None, cg.rev, "reverse function")
        ret = inst.type
        if holds_float(ret) and not ret.is_pointer:
            d = self.take_adjoint(inst)
            args.append(d if d is not None else zero_of(ret))
        if tape is not None:
            args.append(self.fwd(tape))
        sret = _sret_type(cg.rev)
        if sret is not None:  # a struct of three or more adjoints comes back in memory
            out = I.Alloca(self.tape.pointer_to(sret), sret, [], align=8)
            out.parent = self.rentry
            self.entry_allocas.append(out)
            args.insert(0, out)
        self._check_arity(inst, cg.rev, args, "reverse function")
        args = [a if a.type == t else self.remit(I.Cast("bitcast", t, [a]))
                for a, t in zip(args, cg.rev.fn_type.params)]
        r = self.remit(I.Call("call", cg.rev.fn_type.ret, cg.rev.fn_type, cg.rev, args,
                              [[] for _ in args]))
        if sret is not None:
            r.arg_attrs[0] = list(cg.rev.args[0].attrs)
            r = self.remit(I.Load(sret, [out], align=8))
        floats = [a for a in inst.args if holds_float(a.type) and not a.type.is_pointer]
        active = [a for a in floats if self.has_adjoint(a)]
        rt = r.type
        if rt == VOID:
            return
        if not hasattr(rt, "elems"):
            targets = floats if len(floats) == 1 else active
            if len(targets) != 1:
                raise self.error(DifferentiationError, inst,
                                 f"@{cg.rev.name} returns one adjoint but the call has "
                                 f"{len(active)} active float arguments")
            self.add_adjoint(targets[0], r)
            return
        n = len(rt.elems)
        targets = floats if n == len(floats) else active if n == len(active) else None
        if targets is None:
            raise self.error(DifferentiationError, inst,
                             f"@{cg.rev.name} returns {n} adjoints but the call has "
                             f"{len(floats)} float arguments, {len(active)} of them active")
        for k, a in enumerate(targets):
            self.add_adjoint(a, self.remit(I.ExtractValue(rt.elems[k], [r], [k])))
