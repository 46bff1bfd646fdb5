"""Errors of automatic differentiation: each names the function, the instruction and,
when the IR carries one, the source location, so a derivative is never silently wrong."""

from __future__ import annotations

from ..errors import EnzymeCompatError


class DifferentiationError(EnzymeCompatError):
    """Base of every AD error."""


class EnzymeABIError(DifferentiationError):
    """A malformed `__enzyme_*` call: wrong argument count, unknown marker, bad width."""


class NoDerivativeError(DifferentiationError):
    """A call or intrinsic with no derivative rule, reached by active values."""


class UnsupportedInstructionError(DifferentiationError):
    """An instruction the engine cannot differentiate."""


class TypeAnalysisError(DifferentiationError):
    """What some bytes hold (float or integer) cannot be deduced from the IR; the
    `--loose-types` option treats such bytes as integers."""


class ShadowError(DifferentiationError):
    """An active value flows into memory that has no shadow (constant memory)."""


class DifferentiationErrors(DifferentiationError):
    """Every unsupported construct found, reported together (one located message a line),
    so a user sees all of them at once rather than one per run."""

    def __init__(self, errors: list):
        unique = list(dict.fromkeys(str(e) for e in errors))
        self.errors = errors
        super().__init__("\n".join(unique))


# what one instruction can be refused for; the synthesis goes on with the next instruction
# to find the others (anything else, internal errors included, stops it at once)
COLLECTED = (NoDerivativeError, UnsupportedInstructionError, TypeAnalysisError, ShadowError,
             DifferentiationErrors)


def flattened(error) -> list:
    return list(error.errors) if isinstance(error, DifferentiationErrors) else [error]


def raise_all(problems: list, cause=None):
    """Raise the collected problems: the one, or all of them."""
    if not problems:
        return
    errors = [x for p in problems for x in flattened(p)]
    if len(errors) == 1:
        raise errors[0] from cause
    kinds = {type(e) for e in errors}
    cls = _several(kinds.pop()) if len(kinds) == 1 else DifferentiationErrors
    raise cls(errors) from cause


_SEVERAL: dict = {}


def _several(kind):
    """DifferentiationErrors that is also a `kind` (NoDerivativeError, ...) when all the
    errors are of that one kind, so `except NoDerivativeError` still catches them."""
    if kind not in _SEVERAL:
        _SEVERAL[kind] = type(f"Several{kind.__name__}s", (DifferentiationErrors, kind), {})
    return _SEVERAL[kind]


def describe(inst) -> str:
    """`fmul` / `call @name` / `store`: a short text naming an instruction."""
    from ..ir import instructions as I

    if isinstance(inst, I.Call):
        callee = inst.callee
        name = getattr(callee, "name", None)
        if hasattr(callee, "asm"):
            return f"{inst.opcode} asm {callee.asm}"
        return f"{inst.opcode} @{name}" if name else f"{inst.opcode} (indirect)"
    text = inst.opcode
    if inst.name:
        text = f"%{inst.name} = {text}"
    return text


def debug_location(module, inst) -> str | None:
    """`file:line:column` from the instruction's `!dbg` attachment, when there is one."""
    from ..ir.values import MDNode, MDRaw, MDRef

    numbered = getattr(module, "_ad_md_index", None)
    if numbered is None:
        numbered = dict(module.numbered_md)
        module._ad_md_index = numbered

    def resolve(md):
        seen = 0
        while isinstance(md, MDRef) and seen < 8:
            md = numbered.get(md.id)
            seen += 1
        return md

    for kind, md in getattr(inst, "md", ()):
        if kind != "dbg":
            continue
        loc = resolve(md)
        if not isinstance(loc, MDNode) or loc.kind != "DILocation":
            return None
        def text(v):
            return v.text if isinstance(v, MDRaw) else v

        fields = dict(loc.fields)
        line, col = text(fields.get("line")), text(fields.get("column"))
        filename = None
        scope = resolve(fields.get("scope"))
        for _ in range(8):  # scope chain up to something with a file
            if not isinstance(scope, MDNode):
                break
            f = dict(scope.fields)
            file_node = resolve(f.get("file"))
            if isinstance(file_node, MDNode) and file_node.kind == "DIFile":
                filename = text(dict(file_node.fields).get("filename"))
                break
            scope = resolve(f.get("scope"))
        where = f"{filename.strip(chr(34))}:" if isinstance(filename, str) else ""
        return f"{where}{line}" + (f":{col}" if col is not None else "")
    return None


def located(cls, module, function, inst, message: str):
    """An error of class `cls` that names the function, the instruction and the location."""
    loc = debug_location(module, inst) if inst is not None and module is not None else None
    parts = [f"in function @{function.name}"]
    if inst is not None:
        parts.append(f"at `{describe(inst)}`")
    if loc:
        parts.append(f"({loc})")
    return cls(f"{' '.join(parts)}: {message}")


def no_derivative_message(callee, call=None) -> str:
    """The message for a call with active arguments and no way to differentiate it,
    with the two fixes."""
    from ..ir.values import InlineAsm

    if callee is None and isinstance(getattr(call, "callee", None), InlineAsm):
        return ("inline assembly has no derivative, and its operands carry derivatives: "
                "move it into a function of its own and register a derivative for that function "
                "(`__enzyme_register_gradient_NAME`, `__enzyme_register_derivative_NAME`)")
    if callee is None:
        return ("no derivative rule for an indirect callee whose targets are not known, "
                "and its arguments carry derivatives")
    name = callee.name.strip('"')
    return (f"no derivative rule for @{name}, which has no body in this module, and its "
            f"arguments carry derivatives: register a derivative (in C: "
            f"`__enzyme_register_gradient_{name}` for reverse mode, "
            f"`__enzyme_register_derivative_{name}` for forward mode; or a rule plugin), or "
            f"mark it inactive (`__enzyme_inactivefn`, `__attribute__((annotate(\"enzyme_"
            f"inactive\")))`) if it carries no derivative")
