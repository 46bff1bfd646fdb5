"""The C-ABI wrapper around a synthesized derivative, as textual IR.

numba's calling convention (`i32 @f(ptr retptr, ptr excinfo, args...)`, arrays exploded
into meminfo, parent, nitems, itemsize, data, shape..., strides...) is mapped to
activities: the result slot `retptr` is duplicated memory (its shadow seeded with 1 in
reverse mode, holding the tangent in forward mode), every integer and runtime pointer is
constant (an integer argument too: `i64`, no derivative), the data pointer of an array is
duplicated, a scalar is active (`out` in reverse mode, a tangent in forward mode). The
meminfo of a differentiated array (null: the caller owns the array) is duplicated too,
with a null shadow: `v = x` rebound to new arrays in a loop merges it with allocated
meminfos in a phi, whose shadow then has a value on every path (reference counting
skips null).
`excinfo` is control, not data, but it is passed duplicated with a shadow slot nobody
reads: numba hands each callee a local exception slot and copies what the callee stored
there into its own `excinfo`; when the callee is differentiated the local slot gets a
shadow, and the copy then needs somewhere to go.

The wrapper has one C signature that ctypes and numba can both call, every pointer
passed as an integer address and every scalar as a double (a float32 argument, result or
adjoint is converted inside):

    reverse: i32 W(i64 out, [double x | i64 n | i64 data, i64 ddata, i64 shape...,
                  i64 strides...]...)
             out[0] = f(args), out[1 + j] = d f / d (j-th scalar); array gradients are
             added into `ddata`
    forward: i32 W(i64 out, [double x, double dx | i64 n | i64 data, i64 ddata,
                  i64 shape..., i64 strides...]...)
             out[0] = f(args), out[1] = the directional derivative

It returns 0, or 1 when the function raised (numba wrote `excinfo`): the values are then
meaningless.
"""

from __future__ import annotations

from . import kinds as K

NAME = "__enzyme_compat_numba_wrapper"
REVERSE, FORWARD = "reverse", "forward"


def differentiated(kinds, wrt=None) -> tuple:
    """Per argument, whether it is differentiated: every float one, or those `wrt` (a
    tuple of booleans) selects; the others are constants."""
    return tuple(k != K.INT and (wrt is None or wrt[i]) for i, k in enumerate(kinds))


def activities(kinds, mode: str, wrt=None) -> list[str]:
    """One activity per parameter of the numba function."""
    scalar = "out" if mode == REVERSE else "dup"
    acts = ["dup", "dup"]  # retptr, excinfo
    for k, active in zip(kinds, differentiated(kinds, wrt)):
        if K.is_scalar(k):
            acts.append(scalar if active else "const")
        elif k == K.INT:
            acts.append("const")
        else:
            d = "dup" if active else "const"
            acts += [d] + ["const"] * 3 + [d] + ["const"] * (2 * k[1])
    return acts


def parameter_count(kinds) -> int:
    return len(activities(kinds, REVERSE))


def ctypes_signature(kinds, mode: str) -> list:
    """The wrapper's parameter types as ctypes types (after the out address)."""
    import ctypes

    out = [ctypes.c_uint64]
    for k in kinds:
        if K.is_scalar(k):
            out += [ctypes.c_double] * (1 if mode == REVERSE else 2)
        elif k == K.INT:
            out.append(ctypes.c_int64)
        else:
            out += [ctypes.c_uint64] * (2 + 2 * k[1])
    return out


def _params(kinds, mode):
    ps = ["i64 %out"]
    for i, k in enumerate(kinds):
        if K.is_scalar(k):
            ps.append(f"double %x{i}")
            if mode == FORWARD:
                ps.append(f"double %dx{i}")
        elif k == K.INT:
            ps.append(f"i64 %x{i}")
        else:
            ps += [f"i64 %a{i}", f"i64 %da{i}"]
            ps += [f"i64 %s{i}_{d}" for d in range(k[1])]
            ps += [f"i64 %t{i}_{d}" for d in range(k[1])]
    return ps


def _slot_type(results) -> str:
    """The LLVM type of the result slot: the one float, or the struct of a tuple's."""
    return results if isinstance(results, str) else "{ " + ", ".join(results) + " }"


def _prologue(kinds, mode, results):
    seed = "1.0" if mode == REVERSE else "0.0"
    rt = _slot_type(results)
    zero, dzero = ("0.0", seed) if isinstance(results, str) else ("zeroinitializer",) * 2
    body = [f"  %retp = alloca {rt}, align 8", f"  %dretp = alloca {rt}, align 8",
            "  %excp = alloca ptr, align 8", "  %dexcp = alloca ptr, align 8",
            f"  store {rt} {zero}, ptr %retp, align 8", "  store ptr null, ptr %dexcp, align 8",
            f"  store {rt} {dzero}, ptr %dretp, align 8",
            "  store ptr null, ptr %excp, align 8", "  %outp = inttoptr i64 %out to ptr"]
    for i, k in enumerate(kinds):
        if k == K.SCALAR32:  # passed as a double
            body.append(f"  %y{i} = fptrunc double %x{i} to float")
            if mode == FORWARD:
                body.append(f"  %dy{i} = fptrunc double %dx{i} to float")
        if not K.is_array(k):
            continue
        body += [f"  %p{i} = inttoptr i64 %a{i} to ptr", f"  %dp{i} = inttoptr i64 %da{i} to ptr"]
        n = f"%s{i}_0"
        for d in range(1, k[1]):
            body.append(f"  %n{i}_{d} = mul i64 {n}, %s{i}_{d}")
            n = f"%n{i}_{d}"
        body.append(f"  %n{i} = add i64 {n}, 0")
    return body


def _arguments(kinds, mode, wrt):
    """The derived function's arguments: each primal parameter, then its shadow or
    tangent when it has one (Enzyme's order)."""
    args = ["ptr %retp", "ptr %dretp", "ptr %excp", "ptr %dexcp"]
    active = differentiated(kinds, wrt)
    for i, k in enumerate(kinds):
        if k == K.SCALAR:
            args.append(f"double %x{i}")
            if mode == FORWARD:
                args.append(f"double %dx{i}")
            continue
        if k == K.SCALAR32:
            args.append(f"float %y{i}")
            if mode == FORWARD:
                args.append(f"float %dy{i}")
            continue
        if k == K.INT:
            args.append(f"i64 %x{i}")
            continue
        args += ["ptr null"] * (3 if active[i] else 2)  # meminfo (and its shadow), parent
        args += [f"i64 %n{i}", f"i64 {K.itemsize(k)}", f"ptr %p{i}"]
        args += [f"ptr %dp{i}"] if active[i] else []
        args += [f"i64 %s{i}_{d}" for d in range(k[1])]
        args += [f"i64 %t{i}_{d}" for d in range(k[1])]
    return args


def _as_double(name, ty) -> list:
    """`%{name}d`: the double of `%{name}` (of type `ty`)."""
    if ty == "double":
        return [f"  %{name}d = fadd double %{name}, 0.0"]
    return [f"  %{name}d = fpext {ty} %{name} to double"]


def _store_double(name, ty, slot) -> list:
    return [*_as_double(name, ty), f"  %{name}p = getelementptr double, ptr %outp, i64 {slot}",
            f"  store double %{name}d, ptr %{name}p, align 8"]


def _store_slot(name, slot, results, first) -> list:
    """The floats of the result slot `%slot` as doubles at out[first + k]."""
    rt = _slot_type(results)
    body = [f"  %{name} = load {rt}, ptr %{slot}, align 8"]
    if isinstance(results, str):
        return body + _store_double(name, results, first)
    for k, ty in enumerate(results):
        body += [f"  %{name}{k} = extractvalue {rt} %{name}, {k}",
                 *_store_double(f"{name}{k}", ty, first + k)]
    return body


def _store_outputs(kinds, mode, ret_text, results, wrt):
    if mode == FORWARD:  # the tangents after the values
        return _store_slot("tan", "dretp", results, 1 if isinstance(results, str)
                           else len(results))
    # (out slot, type) of each differentiated scalar: slot 1 + its place among the scalars
    slots, slot = [], 0
    for k, active in zip(kinds, differentiated(kinds, wrt)):
        if K.is_scalar(k):
            slot += 1
            if active:
                slots.append((slot, K.llvm_type(k)))
    if ret_text in ("double", "float"):
        return _store_double("r", ret_text, slots[0][0])
    body = []
    for j, (slot, ty) in enumerate(slots):
        body += [f"  %g{j} = extractvalue {ret_text} %r, {j}", *_store_double(f"g{j}", ty, slot)]
    return body


def wrapper_ir(kinds, mode: str, derived: str, ret_text: str, result="double",
               wrt=None) -> str:
    """The wrapper calling `@derived` (whose result type is `ret_text`: void, the adjoint
    of the one differentiated scalar or a struct of their adjoints); the function returns
    `result` (the LLVM type: double or float; in forward mode a tuple of them for a
    function returning a tuple of floats: out holds the values, then the tangents);
    `wrt` as in `differentiated` (the out slots of constant scalars stay 0, their
    shadow arguments unused)."""
    body = _prologue(kinds, mode, result)
    call = f"call {ret_text} @{derived}({', '.join(_arguments(kinds, mode, wrt))})"
    body.append(f"  {'' if ret_text == 'void' else '%r = '}{call}")
    body += _store_outputs(kinds, mode, ret_text, result, wrt)
    body += [*_store_slot("val", "retp", result, 0),
             "  %exc = load ptr, ptr %excp, align 8", "  %raised = icmp ne ptr %exc, null",
             "  %status = zext i1 %raised to i32", "  ret i32 %status"]
    head = f"define i32 @{NAME}({', '.join(_params(kinds, mode))}) {{\nentry:"
    return "\n" + head + "\n" + "\n".join(body) + "\n}\n"
