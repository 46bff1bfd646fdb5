"""sin(x) and cos(x) of one operand fused into one call of the C library's sincos.

The derivative of sin is cos and that of cos is -sin, so differentiated code computes
both of the same x: forward mode next to each other, reverse mode after the reverse
sweep asks for the partner in the forward sweep (ReverseBuilder.call) instead of calling
it on a taped x. sincos shares the argument reduction of the two: about 1.2 times the
cost of sin alone, against 2 for sin and cos (glibc 2.36, x86-64). LLVM does not fuse
them itself on Linux (only sinpi/cospi on Darwin), so this pass does, in the functions
the differentiator writes, where the target's C library has sincos (GNU/Linux, musl,
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


def fuse_sincos(module, fn) -> int:
    """Replaces each first sin(x) and first cos(x) of one block on the same x by one
    sincos(x, &s, &c) where the earlier of the two was; returns how many were fused."""
    if fn.is_declaration or not has_sincos(module):
        return 0
    found = []
    call_type = I.Call
    for blk in fn.blocks:
        seen: dict = {}
        for k, inst in enumerate(blk.instructions):
            role = _role(inst) if type(inst) is call_type else None
            if role is not None:
                seen.setdefault((id(inst.ops[0]), role[1]), {}).setdefault(role[0], (k, inst))
        found += [(blk, pair) for pair in seen.values() if len(pair) == 2]
    if not found:
        return 0
    typed = not module.uses_opaque_pointers
    replace: dict = {}
    at: dict = {}  # id of the earlier call -> the instructions standing in for it
    gone: set = set()
    entry = fn.blocks[0]
    allocas = []
    for blk, pair in found:
        (ks, s), (kc, c) = pair["sin"], pair["cos"]
        x = s.ops[0]
        t = x.type
        f = _declare(module, PAIRS[s.callee.name][1], t, typed)
        if f is None:
            continue
        ptr = PointerType(t if typed else None)
        align = _ALIGN[t.key()]
        ps = I.Alloca(ptr, t, [], align=align)
        pc = I.Alloca(ptr, t, [], align=align)
        ps.parent = pc.parent = entry
        allocas += [ps, pc]
        call = I.Call("call", VOID, f.fn_type, f, [x, ps, pc], [[], [], []])
        ls = I.Load(t, [ps], align=align)
        lc = I.Load(t, [pc], align=align)
        for v in (call, ls, lc):
            v.parent = blk
        first, second = (s, c) if ks < kc else (c, s)
        at[id(first)] = [call, ls, lc]
        gone.add(id(second))
        replace[id(s)], replace[id(c)] = ls, lc
    if not replace:
        return 0
    for blk in fn.blocks:
        if any(id(i) in at or id(i) in gone for i in blk.instructions):
            out = []
            for i in blk.instructions:
                if id(i) in at:
                    out += at[id(i)]
                elif id(i) not in gone:
                    out.append(i)
            blk.instructions = out
    entry.instructions[:0] = allocas
    for blk in fn.blocks:
        for inst in blk.instructions:
            ops = inst.ops
            if any(id(v) in replace for v in ops):
                inst.ops = [replace.get(id(v), v) for v in ops]
            if isinstance(inst, I.Call) and inst.bundles:
                inst.bundles = [(tag, [replace.get(id(v), v) for v in vals])
                                for tag, vals in inst.bundles]
    return len(at)


def _declare(module, name, t, typed):
    """`void @name(T, T*, T*)`, declared if the module has no @name; None when @name is
    something else (a user's own function of that name and another type)."""
    ptr = PointerType(t if typed else None)
    fn_type = FunctionType(VOID, [t, ptr, ptr])
    f = module.symbols.get(name)
    if f is None:
        return module.declare(name, fn_type)
    return f if isinstance(f, Function) and f.fn_type == fn_type else None


def place_partners(pairs) -> None:
    """Puts each partner call made for the reverse sweep ((forward call, its partner):
    ReverseBuilder.call) right after its forward call, one pass over each block."""
    after: dict = {}
    for call, partner in pairs:
        after.setdefault(id(call.parent), (call.parent, {}))[1][id(call)] = partner
    for blk, partners in after.values():
        out = []
        for inst in blk.instructions:
            out.append(inst)
            p = partners.get(id(inst))
            if p is not None:
                out.append(p)
        blk.instructions = out
