"""Indirect calls whose possible targets are not known exactly: C++ virtual calls, callbacks
kept in memory.

The callee is loaded from memory (a vtable slot, a struct field), so no walk over the
function's values can list what it may be. The functions it may be are those whose address
the module takes (a vtable's entries, a function pointer stored somewhere) and whose
prototype is the call's: each gets its derived function and the call compares the loaded
pointer with each of them at run time. A pointer that matches none (a function defined in
another module) stops the program with a message: a derivative is never taken from the
wrong function.
"""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.module import BasicBlock, Function, GlobalVariable
from ..ir.types import I8, I32, I64, VOID, ArrayType, FunctionType, PointerType
from ..ir.values import Argument, ConstantExpr, ConstantInt, ConstantString
from ..values_walk import functions_used
from .abi import strip_casts

# The key of an activity's `known` map under which the module's address-taken functions
# are kept (no value of a function is ever this object).
ADDRESS_TAKEN = object()

UNKNOWN_TARGET = "__enzyme_compat_unknown_target"
_MESSAGE = (b"enzyme_compat: an indirect call in a differentiated function reached a "
            b"function defined outside the differentiated module: it has no derivative\n")


def address_taken(module) -> list:
    """The functions with a body whose address the module uses other than by calling them:
    in a global's initializer (a vtable), an alias, or as an operand of an instruction."""
    fns = [f for f in functions_used(module) if not f.is_declaration]
    return sorted(fns, key=lambda f: f.name)


def open_candidates(call, known) -> list | None:
    """For a call through a pointer loaded from memory: the module's address-taken functions
    of the call's prototype (None when the callee is not loaded or none fits)."""
    if not known or ADDRESS_TAKEN not in known:
        return None
    if not isinstance(strip_casts(call.callee), I.Load):
        return None
    fns = [f for f in known[ADDRESS_TAKEN] if same_shape(f.fn_type, call.fn_type)]
    return fns or None


def same_shape(a: FunctionType, b: FunctionType) -> bool:
    """The same prototype up to what typed pointers point to (`Square*` and `Shape*` for the
    `this` of a virtual function): one call can run either."""
    if a.key() == b.key():
        return True
    if a.vararg != b.vararg or len(a.params) != len(b.params):
        return False
    return all(x.key() == y.key() or (x.is_pointer and y.is_pointer
                                      and x.addrspace == y.addrspace)
               for x, y in zip((a.ret, *a.params), (b.ret, *b.params)))


def retyped(value, fn_type: FunctionType, emit):
    """`value` (a function pointer) as a pointer to `fn_type`: itself in opaque modules or
    when its type is that already, else a bitcast (a derived function of a candidate whose
    typed pointers differ from the call site's)."""
    t = PointerType(fn_type, value.type.addrspace)
    if value.type.pointee is None or value.type.key() == t.key():
        return value
    if value.is_constant:
        return ConstantExpr("bitcast", t, [value])
    return emit(I.Cast("bitcast", t, [value]))


def call_type(derived: FunctionType, args) -> FunctionType:
    """The type a call of `derived` with `args` is made with: `derived`'s, or with the
    arguments' own typed pointers where they differ (see `retyped`)."""
    if all(a.type.key() == t.key() for a, t in zip(args, derived.params)):
        return derived
    return FunctionType(derived.ret, [a.type for a in args], derived.vararg)


def unknown_target(module, fn_type: FunctionType) -> Function:
    """A function of type `fn_type` that reports a call of a function with no derivative and
    aborts: what an open dispatch calls when the pointer matches none of its candidates."""
    report = _report(module)
    k = 0
    while f"{UNKNOWN_TARGET}.{k}" in module.symbols:
        f = module.symbols[f"{UNKNOWN_TARGET}.{k}"]
        if isinstance(f, Function) and f.fn_type.key() == fn_type.key():
            return f
        k += 1
    return _define(module, f"{UNKNOWN_TARGET}.{k}", fn_type, [
        I.Call("call", VOID, report.fn_type, report, [], []),
        I.Unreachable("unreachable", VOID)])


def _report(module) -> Function:
    """`void @__enzyme_compat_unknown_target()`: the message on standard error, then abort."""
    f = module.symbols.get(UNKNOWN_TARGET)
    if isinstance(f, Function):
        return f
    opaque = module.uses_opaque_pointers
    p = PointerType(None if opaque else I8)
    msg_t = ArrayType(len(_MESSAGE), I8)
    msg = GlobalVariable(f"{UNKNOWN_TARGET}.message", msg_t)
    msg.constant = True
    msg.pre = ["private", "unnamed_addr"]
    msg.initializer = ConstantString(msg_t, _MESSAGE)
    msg.defined = True
    module.globals.append(msg)
    module.symbols[msg.name] = msg
    write = module.declare("write", FunctionType(I64, [I32, p, I64]))
    abort = module.declare("abort", FunctionType(VOID, []))
    text = msg if opaque else ConstantExpr("bitcast", p, [msg])
    return _define(module, UNKNOWN_TARGET, FunctionType(VOID, []), [
        I.Call("call", I64, write.fn_type, write,
               [ConstantInt(I32, 2), text, ConstantInt(I64, len(_MESSAGE))], [[], [], []]),
        I.Call("call", VOID, abort.fn_type, abort, [], []),
        I.Unreachable("unreachable", VOID)])


def _define(module, name, fn_type, instructions) -> Function:
    """An internal function `@name` of one block holding `instructions`."""
    f = Function(name, fn_type)
    f.pre = ["internal"]
    f.is_declaration = False
    f.defined = True
    f.args = [Argument(t, None) for t in fn_type.params]
    for i, a in enumerate(f.args):
        a.function, a.index = f, i
    entry = BasicBlock("entry", parent=f)
    entry.instructions = instructions
    for inst in instructions:
        inst.parent = entry
    f.blocks = [entry]
    module.functions.append(f)
    module.symbols[name] = f
    return f
