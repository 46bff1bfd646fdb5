"""The C-ABI wrapper around a synthesized derivative, as textual IR.

numba's calling convention (`i32 @f(ptr retptr, ptr excinfo, args...)`, arrays exploded
into meminfo, parent, nitems, itemsize, data, shape..., strides...) is mapped to
activities: the result slot `retptr` is duplicated memory (its shadow seeded with 1 in
reverse mode, holding the tangent in forward mode), `excinfo` and every integer and
runtime pointer are constant (an integer argument too: `i64`, no derivative), the data
pointer of an array is duplicated, a scalar is active (`out` in reverse mode, a tangent in
forward mode).

The wrapper has one C signature that ctypes and numba can both call, every pointer
passed as an integer address:

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


def activities(kinds, mode: str) -> list[str]:
    """One activity per parameter of the numba function."""
    scalar = "out" if mode == REVERSE else "dup"
    acts = ["dup", "const"]  # retptr, excinfo
    for k in kinds:
        if k == K.SCALAR:
            acts.append(scalar)
        elif k == K.INT:
            acts.append("const")
        else:
            acts += ["const"] * 4 + ["dup"] + ["const"] * (2 * k[1])
    return acts


def parameter_count(kinds) -> int:
    return len(activities(kinds, REVERSE))


def ctypes_signature(kinds, mode: str) -> list:
    """The wrapper's parameter types as ctypes types (after the out address)."""
    import ctypes

    out = [ctypes.c_uint64]
    for k in kinds:
        if k == K.SCALAR:
            out += [ctypes.c_double] * (1 if mode == REVERSE else 2)
        elif k == K.INT:
            out.append(ctypes.c_int64)
        else:
            out += [ctypes.c_uint64] * (2 + 2 * k[1])
    return out


def _params(kinds, mode):
    ps = ["i64 %out"]
    for i, k in enumerate(kinds):
        if k == K.SCALAR:
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


def _prologue(kinds, seed: float):
    body = ["  %retp = alloca double, align 8", "  %dretp = alloca double, align 8",
            "  %excp = alloca ptr, align 8", "  store double 0.0, ptr %retp, align 8",
            f"  store double {seed:e}, ptr %dretp, align 8", "  store ptr null, ptr %excp, align 8",
            "  %outp = inttoptr i64 %out to ptr"]
    for i, k in enumerate(kinds):
        if not K.is_array(k):
            continue
        body += [f"  %p{i} = inttoptr i64 %a{i} to ptr", f"  %dp{i} = inttoptr i64 %da{i} to ptr"]
        n = f"%s{i}_0"
        for d in range(1, k[1]):
            body.append(f"  %n{i}_{d} = mul i64 {n}, %s{i}_{d}")
            n = f"%n{i}_{d}"
        body.append(f"  %n{i} = add i64 {n}, 0")
    return body


def _arguments(kinds, mode):
    """The derived function's arguments: each primal parameter, then its shadow or
    tangent when it has one (Enzyme's order)."""
    args = ["ptr %retp", "ptr %dretp", "ptr %excp"]
    for i, k in enumerate(kinds):
        if k == K.SCALAR:
            args.append(f"double %x{i}")
            if mode == FORWARD:
                args.append(f"double %dx{i}")
            continue
        if k == K.INT:
            args.append(f"i64 %x{i}")
            continue
        args += ["ptr null", "ptr null", f"i64 %n{i}", "i64 8", f"ptr %p{i}", f"ptr %dp{i}"]
        args += [f"i64 %s{i}_{d}" for d in range(k[1])]
        args += [f"i64 %t{i}_{d}" for d in range(k[1])]
    return args


def _store_outputs(kinds, mode, ret_text, n_scalars):
    body = []
    if mode == FORWARD:
        body += ["  %tan = load double, ptr %dretp, align 8",
                 "  %tanp = getelementptr double, ptr %outp, i64 1",
                 "  store double %tan, ptr %tanp, align 8"]
    elif ret_text == "double":
        body += ["  %g0p = getelementptr double, ptr %outp, i64 1",
                 "  store double %r, ptr %g0p, align 8"]
    elif n_scalars:
        for j in range(n_scalars):
            body += [f"  %g{j} = extractvalue {ret_text} %r, {j}",
                     f"  %g{j}p = getelementptr double, ptr %outp, i64 {j + 1}",
                     f"  store double %g{j}, ptr %g{j}p, align 8"]
    return body


def wrapper_ir(kinds, mode: str, derived: str, ret_text: str) -> str:
    """The wrapper calling `@derived` (whose result type is `ret_text`: void, double or
    a struct of the scalar adjoints)."""
    n_scalars = sum(k == K.SCALAR for k in kinds)
    body = _prologue(kinds, 1.0 if mode == REVERSE else 0.0)
    call = f"call {ret_text} @{derived}({', '.join(_arguments(kinds, mode))})"
    body.append(f"  {'' if ret_text == 'void' else '%r = '}{call}")
    body += _store_outputs(kinds, mode, ret_text, n_scalars)
    body += ["  %val = load double, ptr %retp, align 8", "  store double %val, ptr %outp, align 8",
             "  %exc = load ptr, ptr %excp, align 8", "  %raised = icmp ne ptr %exc, null",
             "  %status = zext i1 %raised to i32", "  ret i32 %status"]
    head = f"define i32 @{NAME}({', '.join(_params(kinds, mode))}) {{\nentry:"
    return "\n" + head + "\n" + "\n".join(body) + "\n}\n"
