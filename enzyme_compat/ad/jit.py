"""Run a function of a module from Python: `jit(module, "fwddiffe_f")(1.5, 1.0)`.

Each call compiles the module with the real LLVM of the module's release (or `release`)
and runs the function in that toolchain's worker subprocess, so an LLVM crash or
assertion fails only the call (never the Python process). Scalars (float types and
integers) are passed as Python numbers; pointer parameters take lists (updated in place
with what the function wrote, e.g. shadows). Functions returning a struct, array or
vector of one scalar type (a vector-mode tangent `[N x double]`, `{double, double}`)
return a tuple; such parameters take a list (a vector-mode `[N x double]` tangent). An
external wrapper around the function does the loads and stores.
"""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.module import BasicBlock, Function
from ..ir.types import VOID, ArrayType, FunctionType, PointerType, StructType, VectorType
from ..ir.values import Argument
from .errors import DifferentiationError
from .prune import prune

_SCALARS = {"double": "double", "float": "float", ("i", 64): "i64", ("i", 32): "i32",
            ("i", 16): "i16", ("i", 8): "i8", ("i", 1): "i1"}
WRAPPER = "__enzyme_compat_jit_wrapper"


def _scalar_name(t, what):
    name = _SCALARS.get(t.key())
    if name is None:
        raise DifferentiationError(f"jit: {what} of type {t!r} cannot be passed from Python "
                                   "(floats, integers and pointers to them can)")
    return name


def _elements(t):
    """(element type, count) when `t` is an aggregate of one scalar type, else None."""
    if isinstance(t, (ArrayType, VectorType)):
        return t.elem, t.count
    if isinstance(t, StructType) and t.elems and all(e == t.elems[0] for e in t.elems):
        return t.elems[0], len(t.elems)
    return None


def _param_name(t, pointee, i):
    agg = _elements(t)
    if agg is not None:
        return _scalar_name(agg[0], f"elements of parameter {i}") + "*"
    if t.is_pointer:
        if pointee is None:
            raise DifferentiationError(
                f"jit: parameter {i} is a pointer: say what it points to with "
                "`pointees={i: 'double'}`")
        return pointee + "*"
    return _scalar_name(t, f"parameter {i}")


def run_release(module, text: str = "") -> int:
    """The release to run a module on: its producer's, else the newest installed release
    whose syntax it is (detect's range)."""
    import re

    from .. import toolchains
    from ..detect import detect

    lo, hi, _ = detect(module, text)
    m = re.search(r"\b(?:clang|LLVM|rustc)[^0-9]*version (\d+)", module.producer or "")
    if m and lo <= int(m.group(1)) <= hi:
        return int(m.group(1))
    for n in range(hi, lo - 1, -1):
        if toolchains.installed(n):
            return n
    return hi


def jit(module_or_text, name: str, signature: str | None = None, release: int | None = None,
        pointees: dict | None = None):
    """A Python callable running `@name` on the JIT of LLVM `release` (by default the
    release the module came from). `signature` (LLVM type names, `"double(double,
    double*)"`) overrides the one derived from the function's type; `pointees` names the
    element type of pointer parameters (`{0: "double"}`)."""
    from .. import toolchains
    from ..ir.parser import parse

    text = module_or_text if isinstance(module_or_text, str) else None
    module = parse(text, "<jit>") if text is not None else module_or_text
    if release is None:
        release = run_release(module, text or "")
    fn = module.get_function(name)
    if fn is None or fn.is_declaration:
        raise DifferentiationError(f"jit: no function @{name} with a body in the module")
    ret = fn.fn_type.ret
    agg = _elements(ret) if not ret.is_float and ret != VOID and not ret.is_int else None
    n_out = 0
    if agg is not None:
        elem, n_out = agg
        _scalar_name(elem, "the result's elements")
    # an external wrapper: the function itself may be internal (fwddiffe_*)
    copy = parse(module.to_text(release=release), "<jit>")
    prune(copy, [_add_wrapper(copy, copy.get_function(name), agg is not None)])
    src, target = copy.to_text(release=release), WRAPPER
    if signature is None:
        pointees = pointees or {}
        params = [_param_name(t, pointees.get(i), i) for i, t in enumerate(fn.fn_type.params)]
        result = "void" if ret == VOID or agg is not None else _scalar_name(ret, "the result")
        signature = f"{result}({', '.join(params)})"
    if agg is not None:
        head, _, rest = signature.partition("(")
        signature = f"void({_scalar_name(agg[0], 'element')}*" + (", " + rest if
                                                                   rest.strip(") ") else ")")
    chain = toolchains.get(release)

    def call(*args):
        if agg is None:
            return chain.jit_call(src, target, signature, list(args))
        out = [0.0] * n_out
        chain.jit_call(src, target, signature, [out, *args])
        return tuple(out)

    call.signature = signature
    call.release = release
    return call


def _add_wrapper(module, fn, aggregate: bool):
    """`@WRAPPER(args...)` calling `fn`; for an aggregate result `void @WRAPPER(ptr %out,
    args...)` storing it."""
    ret = fn.fn_type.ret
    inner = [PointerType(t) if _elements(t) else t for t in fn.fn_type.params]
    params = [PointerType(ret), *inner] if aggregate else inner
    w = Function(WRAPPER, FunctionType(VOID if aggregate else ret, params))
    w.is_declaration = False
    w.defined = True
    w.args = [Argument(t, None) for t in params]
    for i, a in enumerate(w.args):
        a.function, a.index = w, i
    block = BasicBlock("entry", parent=w)
    w.blocks = [block]
    args = []
    for a, t in zip(w.args[1:] if aggregate else w.args, fn.fn_type.params):
        args.append(block.append(I.Load(t, [a], align=None)) if _elements(t) else a)
    r = block.append(I.Call("call", ret, fn.fn_type, fn, list(args), [[] for _ in args]))
    if aggregate:
        block.append(I.Store([r, w.args[0]], align=None))
        block.append(I.Ret([]))
    else:
        block.append(I.Ret([] if ret == VOID else [r]))
    module.functions.append(w)
    module.symbols[WRAPPER] = w
    return w
