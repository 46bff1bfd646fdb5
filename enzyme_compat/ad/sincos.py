"""sin(x) and cos(x) of one operand fused into one call of the C library's sincos.

The derivative of sin is cos and that of cos is -sin, so differentiated code computes
both of the same x: forward mode the primal's sin(x) next to its tangent's cos(x), reverse
mode the forward sweep's sin(x) next to the cos(x) the reverse sweep asked for
(ReverseBuilder.call makes it there instead of calling cos on a taped x), or the primal's
own sin(x) and cos(x). sincos shares the argument reduction of the two: about 1.2 times
the cost of sin alone, against 2 for sin and cos (glibc 2.36, x86-64). LLVM does not fuse
them itself on Linux (only sinpi/cospi on Darwin), so the differentiator does, for the
pairs it makes or meets, where the target's C library has sincos (GNU/Linux, musl,
Android: a `linux` triple).
"""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.module import Function
from ..ir.types import VOID, FunctionType, PointerType

# callee -> (which of the two it is, the C library function computing both). x86_fp80
# exists only on x86, where it is long double; fp128 is long double on AArch64 but not on
# x86-64, so llvm.sin.f128 is left alone.
PAIRS = {
    "sin": ("sin", "sincos"), "cos": ("cos", "sincos"),
    "sinf": ("sin", "sincosf"), "cosf": ("cos", "sincosf"),
    "sinl": ("sin", "sincosl"), "cosl": ("cos", "sincosl"),
    "llvm.sin.f64": ("sin", "sincos"), "llvm.cos.f64": ("cos", "sincos"),
    "llvm.sin.f32": ("sin", "sincosf"), "llvm.cos.f32": ("cos", "sincosf"),
    "llvm.sin.f80": ("sin", "sincosl"), "llvm.cos.f80": ("cos", "sincosl"),
}
PARTNER = {"sin": "cos", "cos": "sin"}
# callee -> its partner of the same family and kind (sinf -> cosf, llvm.sin.f64 -> llvm.cos.f64)
PARTNER_NAMES = {n: m for n, (role, fused) in PAIRS.items() for m, (r, f) in PAIRS.items()
                 if f == fused and r == PARTNER[role] and n.startswith("llvm.") == m.startswith("llvm.")}
_ALIGN = {"double": 8, "float": 4, "x86_fp80": 16, "fp128": 16}


def has_sincos(module) -> bool:
    """Whether the module's target C library has sincos/sincosf/sincosl."""
    return "linux" in (module.triple or "")


def fusable_partner(module, inst, callee) -> bool:
    """Whether a call of `callee` on the operand of call `inst` would be fused with it:
    sin and cos of one family (cos for sin, cosf for sinf, llvm.cos.f64 for
    llvm.sin.f64), on a target with sincos."""
    a = _role(inst)
    b = PAIRS.get(getattr(callee, "name", None))
    return a is not None and b is not None and a[1] == b[1] and PARTNER[a[0]] == b[0] \
        and callee.fn_type == inst.fn_type and has_sincos(module)


def _role(inst):
    """("sin" or "cos", the fused function) for a plain call of one of PAIRS on one
    scalar operand of its own type, else None."""
    if type(inst) is not I.Call or inst.opcode != "call" or inst.bundles:
        return None
    callee = inst.callee
    if not isinstance(callee, Function):
        return None
    role = PAIRS.get(callee.name)
    if role is None or len(inst.ops) != 1 or inst.ops[0].type != inst.type \
            or inst.type.key() not in _ALIGN:
        return None
    return role


def place_partners(pairs) -> None:
    """Puts each partner reverse mode made ((forward call, partner): ReverseBuilder.call)
    right after its call, one pass over each block that gets one."""
    after: dict = {}
    for call, partner in pairs:
        after.setdefault(id(call.parent), (call.parent, {}))[1][id(call)] = partner
    for blk, partners in after.values():
        out = []
        for inst in blk.instructions:
            out.append(inst)
            p = partners.get(id(inst))
            if p is not None:
                p.parent = blk
                out.append(p)
        blk.instructions = out


def fuse_pairs(module, fn, pairs) -> None:
    """Each (call, partner) of `pairs`, sin(x) and cos(x) (either way round) in one block
    of `fn`, the partner after the call, becomes one sincos(x, &s, &c) right before
    `call`, with `call` and `partner` turned into the loads of its results (so their
    users read them), both right after it: nothing runs between the call and its loads,
    so every sincos of one type in `fn` writes the same two stack slots. A call already
    in a pair is left out of later ones."""
    typed = not module.uses_opaque_pointers
    entry = fn.blocks[0] if fn.blocks else None
    allocas, before, moved, taken, declared = [], {}, {}, set(), {}
    for call, partner in pairs:
        if id(call) in taken or id(partner) in taken:
            continue
        taken.update((id(call), id(partner)))
        t = call.type
        name = PAIRS[call.callee.name][1]
        got = declared.get((name, id(t)))  # (t stays alive: its calls do)
        if got is None:
            f = _declare(module, name, t, typed)
            slots = ()
            if f is not None:
                align = _ALIGN[t.key()]
                ptr = PointerType(t if typed else None)
                slots = tuple(I.Alloca(ptr, t, [], align=align) for _ in range(2))
                for a in slots:
                    a.parent = entry
                allocas += slots
            got = declared[name, id(t)] = (f, slots)
        f, (ps, pc) = got[0], got[1] or (None, None)
        if f is None:  # @sincos is the user's, of another type: left alone
            continue
        fused = I.Call("call", VOID, f.fn_type, f, [call.ops[0], ps, pc], [[], [], []])
        fused.parent = call.parent
        before[id(call)] = (fused, partner)
        moved[id(partner)] = partner
        sin, cos = (call, partner) if PAIRS[call.callee.name][0] == "sin" else (partner, call)
        I.become(sin, I.Load(t, [ps], align=ps.align))
        I.become(cos, I.Load(t, [pc], align=pc.align))
    if not before:
        return
    for blk in {id(f.parent): f.parent for f, _ in before.values()}.values():
        out = []
        for inst in blk.instructions:
            if id(inst) in moved:
                continue
            f = before.get(id(inst))
            if f is not None:
                out += (f[0], inst, f[1])
            else:
                out.append(inst)
        blk.instructions = out
    entry.instructions[:0] = allocas


def _declare(module, name, t, typed):
    """`void @name(T, T*, T*)`, declared if the module has no @name; None when @name is
    something else (a user's own function of that name and another type)."""
    ptr = PointerType(t if typed else None)
    fn_type = FunctionType(VOID, [t, ptr, ptr])
    f = module.symbols.get(name)
    if f is None:
        return module.declare(name, fn_type)
    return f if isinstance(f, Function) and f.fn_type == fn_type else None

