"""Rewrites of constructs a target release lacks, one small rule each.

Every rule keeps the module's meaning: a removed constant expression becomes the
instructions that compute it, `fneg x` becomes `fsub -0.0, x`, debug records become
`llvm.dbg.*` calls (and back), intrinsic signatures follow the release. What cannot be
expressed raises ConversionError naming the construct.
"""

from __future__ import annotations

from . import instructions as I
from .attributes import Attr
from .errors import ConversionError
from .module import Function
from .types import I32, I64, METADATA, VOID, ArrayType, FloatType, FunctionType, IntType, VectorType
from .values import (Argument, ConstantAggregate, ConstantExpr, ConstantFP, ConstantInt, ConstantNull, MDString,
                     MDTuple, MetadataAsValue, Poison, Splat, Undef)
from .values_walk_local import map_operands

# ---------------------------------------------------------------- constant expressions

_CE_CLASS = {"icmp": I.Compare, "fcmp": I.Compare, "select": I.Select,
             "extractvalue": I.ExtractValue, "insertvalue": I.InsertValue}


def _needs(c, dialect) -> bool:
    if isinstance(c, ConstantExpr):
        return not dialect.constexpr_ok(c.opcode) or any(_needs(o, dialect) for o in c.ops)
    if isinstance(c, ConstantAggregate):
        return any(_needs(e, dialect) for e in c.elems)
    return False


def _materialize(c, dialect, emit):
    """Instructions computing constant expression `c`; returns the value to use."""
    if not _needs(c, dialect):
        return c
    if isinstance(c, ConstantAggregate):
        raise ConversionError(f"a constant aggregate containing a '{_first_bad(c, dialect)}' "
                              f"constant expression cannot be expressed for LLVM "
                              f"{dialect.release}")
    ops = [_materialize(o, dialect, emit) for o in c.ops]
    op = c.opcode
    if op in I.CASTS:
        inst = I.Cast(op, c.type, ops, list(c.flags))
    elif op in ("icmp", "fcmp"):
        inst = I.Compare(op, c.type, ops, c.predicate, list(c.flags))
    elif op == "select":
        inst = I.Select("select", c.type, ops)
    elif op == "extractvalue":
        inst = I.ExtractValue(c.type, ops, list(c.indices))
    elif op == "insertvalue":
        inst = I.InsertValue(c.type, ops, list(c.indices))
    elif op == "fneg":
        inst = I.UnaryOp("fneg", c.type, ops)
    elif op == "getelementptr":
        inst = I.GetElementPtr(c.type, c.source_type, ops, list(c.flags))
    elif op in ("extractelement", "insertelement", "shufflevector"):
        cls = {"extractelement": I.ExtractElement, "insertelement": I.InsertElement,
               "shufflevector": I.ShuffleVector}[op]
        inst = cls(op, c.type, ops)
    else:
        inst = I.BinaryOp(op, c.type, ops, list(c.flags))
    emit(inst)
    return inst


def _first_bad(c, dialect):
    if isinstance(c, ConstantExpr):
        if not dialect.constexpr_ok(c.opcode):
            return c.opcode
        for o in c.ops:
            r = _first_bad(o, dialect)
            if r:
                return r
    if isinstance(c, ConstantAggregate):
        for e in c.elems:
            r = _first_bad(e, dialect)
            if r:
                return r
    return None


def _scalar_bytes(t) -> int | None:
    """The allocation size of `t` where no data layout can change it: integers and floats
    of 1, 2, 4 or 8 bytes, arrays of them; None otherwise (pointers, structs, ...)."""
    if isinstance(t, ArrayType):
        elem = _scalar_bytes(t.elem)
        return None if elem is None else t.count * elem
    bits = getattr(t, "bits", None) if isinstance(t, (IntType, FloatType)) else None
    return bits // 8 if bits in (8, 16, 32, 64) else None


def _sizeof(c):
    """`ptrtoint (getelementptr (T, ptr null, iN k) to iM)`, the size idiom of front ends
    without a data layout (flang's type descriptors): k * sizeof(T) as a ConstantInt of
    iM when T's size is certain, else None."""
    if not (isinstance(c, ConstantExpr) and c.opcode == "ptrtoint" and c.type.is_int):
        return None
    g = c.ops[0]
    if not (isinstance(g, ConstantExpr) and g.opcode == "getelementptr" and len(g.ops) == 2
            and isinstance(g.ops[0], ConstantNull) and isinstance(g.ops[1], ConstantInt)):
        return None
    size = _scalar_bytes(g.source_type)
    return None if size is None else ConstantInt(c.type, size * g.ops[1].value)


def _fold(c, dialect):
    """Fold integer and fneg constant expressions whose operands are plain numbers (sizes
    written as `ptrtoint` of a `getelementptr` from null among them)."""
    if not isinstance(c, ConstantExpr):
        if isinstance(c, ConstantAggregate):
            c.elems = [_fold(e, dialect) for e in c.elems]
        return c
    c.ops = [_fold(o, dialect) for o in c.ops]
    if dialect.constexpr_ok(c.opcode):
        return c
    ops = [_sizeof(o) or o for o in c.ops]
    if c.opcode == "fneg" and isinstance(ops[0], ConstantFP):
        return ConstantFP(c.type, ops[0].bits ^ (1 << (c.type.bits - 1)))
    if all(isinstance(o, ConstantInt) for o in ops) and c.type.is_int:
        bits = c.type.bits
        a = [o.value for o in ops]
        mask = (1 << bits) - 1
        f = {"and": lambda x, y: x & y, "or": lambda x, y: x | y,
             "mul": lambda x, y: x * y, "shl": lambda x, y: x << y,
             "lshr": lambda x, y: (x & mask) >> y}.get(c.opcode)
        if f is not None and len(a) == 2:
            v = f(*a) & mask
            return ConstantInt(c.type, v - (1 << bits) if v >> (bits - 1) and bits > 1 else v)
    return c


def lower_constant_exprs(module, dialect):
    for g in module.globals:
        if g.initializer is not None:
            g.initializer = _fold(g.initializer, dialect)
            bad = _first_bad(g.initializer, dialect)
            if bad:
                raise ConversionError(
                    f"global '@{g.name}': its initializer uses a '{bad}' constant expression, "
                    f"which LLVM {dialect.release} does not support and which cannot be "
                    f"computed at compile time here")
    for f in module.functions:
        for b in f.blocks:
            new = []
            for inst in b.instructions:
                if isinstance(inst, I.Phi):
                    for j, v in enumerate(inst.ops):
                        if _needs(v, dialect):
                            pred = inst.blocks[j]
                            pos = len(pred.instructions) - 1
                            extra = []
                            inst.ops[j] = _materialize(v, dialect, extra.append)
                            for e in extra:
                                e.parent = pred
                            pred.instructions[pos:pos] = extra
                    new.append(inst)
                    continue

                def fix(v, _new=new):
                    if not _needs(v, dialect):
                        return v
                    v = _fold(v, dialect)
                    return _materialize(v, dialect, _new.append)

                map_operands(inst, fix)
                new.append(inst)
            for inst in new:
                inst.parent = b
            b.instructions = new


# ---------------------------------------------------------------- instructions


def lower_fneg(module, dialect):
    """`fneg x` -> `fsub -0.0, x` (the spelling before LLVM 8)."""
    for f in module.functions:
        for b in f.blocks:
            for j, inst in enumerate(b.instructions):
                if inst.opcode == "fneg":
                    t = inst.type
                    neg0 = ConstantFP(t.scalar, 1 << (t.scalar.bits - 1))
                    if isinstance(t, VectorType):
                        neg0 = ConstantAggregate(t, [neg0] * t.count)
                    new = I.BinaryOp("fsub", t, [neg0, inst.ops[0]], inst.flags, inst.name)
                    new.md = inst.md
                    new.parent = b
                    b.instructions[j] = new
                    _replace_uses(f, inst, new)


def lower_freeze(module, dialect):
    """Releases before 10 have no `freeze`: its operand is used directly (the meaning
    those releases gave such code)."""
    for f in module.functions:
        repl = {}
        for b in f.blocks:
            keep = []
            for inst in b.instructions:
                if inst.opcode == "freeze":
                    repl[id(inst)] = inst.ops[0]
                else:
                    keep.append(inst)
            b.instructions = keep
        if repl:
            def sub(v, repl=repl):
                while id(v) in repl:
                    v = repl[id(v)]
                return v
            for b in f.blocks:
                for inst in b.instructions:
                    map_operands(inst, sub, constants=False)


def lower_ptrtoaddr(module, dialect):
    """Before LLVM 22 `ptrtoaddr` is spelled `ptrtoint` (same bits for address-sized
    results; only provenance capture differs, which older releases did not model)."""
    from ..values_walk import walk_constants

    for c in walk_constants(module):
        if getattr(c, "opcode", None) == "ptrtoaddr":
            c.opcode = "ptrtoint"
    for f in module.functions:
        for b in f.blocks:
            for inst in b.instructions:
                if inst.opcode == "ptrtoaddr":
                    inst.opcode = "ptrtoint"


def lower_poison(module, dialect):
    """Releases before 12 have no `poison`; `undef` is the closest they can say."""
    def sub(v):
        return _unpoison(v)
    for g in module.globals:
        if g.initializer is not None:
            g.initializer = _unpoison(g.initializer)
    for f in module.functions:
        for b in f.blocks:
            for inst in b.instructions:
                map_operands(inst, sub)


def _unpoison(c):
    if isinstance(c, Poison):
        return Undef(c.type)
    if isinstance(c, ConstantAggregate):
        c.elems = [_unpoison(e) for e in c.elems]
    elif isinstance(c, ConstantExpr):
        c.ops = [_unpoison(o) for o in c.ops]
    elif isinstance(c, Splat):
        c.elem = _unpoison(c.elem)
    return c


def _replace_uses(f, old, new):
    for b in f.blocks:
        for inst in b.instructions:
            map_operands(inst, lambda v: new if v is old else v, constants=False)


# ---------------------------------------------------------------- debug records

_DBG_ARITY = {"value": 3, "declare": 3, "assign": 6, "label": 1}


def _dbg_decl(module, kind):
    name = f"llvm.dbg.{kind}"
    fn = module.symbols.get(name)
    if fn is None:
        fn = Function(name, FunctionType(VOID, [METADATA] * _DBG_ARITY[kind]))
        fn.args = [Argument(METADATA) for _ in range(_DBG_ARITY[kind])]
        fn.defined = True
        module.symbols[name] = fn
        module.functions.append(fn)
    return fn


def records_to_calls(module, dialect):
    """`#dbg_value(...)` records -> `call void @llvm.dbg.value(metadata ...)` (before 19)."""
    for f in module.functions:
        for b in f.blocks:
            for j, inst in enumerate(b.instructions):
                if isinstance(inst, I.DebugRecord):
                    kind = inst.kind
                    if kind not in _DBG_ARITY:
                        raise ConversionError(f"debug record '#dbg_{kind}' has no call form")
                    callee = _dbg_decl(module, kind)
                    args = [MetadataAsValue(a if a is not None else MDTuple([]))
                            for a in inst.args[:-1]]
                    call = I.Call("call", VOID, callee.fn_type, callee, args, [[]] * len(args))
                    call.md = [("dbg", inst.args[-1])]
                    call.parent = b
                    b.instructions[j] = call


def calls_to_records(module, dialect):
    """`call void @llvm.dbg.value(metadata ...), !dbg !N` -> `#dbg_value(..., !N)` (19+)."""
    used = set()
    for f in module.functions:
        for b in f.blocks:
            for j, inst in enumerate(b.instructions):
                name = inst.callee_name if isinstance(inst, I.Call) else None
                if name and name.startswith("llvm.dbg.") and name[9:] in _DBG_ARITY:
                    loc = dict(inst.md).get("dbg")
                    if loc is None:
                        used.add(name)
                        continue
                    args = [a.md for a in inst.ops] + [loc]
                    rec = I.DebugRecord(name[9:], args)
                    rec.parent = b
                    b.instructions[j] = rec
                elif name and name.startswith("llvm.dbg."):
                    used.add(name)
    module.functions = [fn for fn in module.functions
                        if not (fn.name.startswith("llvm.dbg.") and fn.is_declaration
                                and fn.name[9:] in _DBG_ARITY and fn.name not in used)]


# ---------------------------------------------------------------- intrinsic signatures


def _calls_to(module, prefix):
    for f in module.functions:
        for b in f.blocks:
            for inst in b.instructions:
                if isinstance(inst, I.Call):
                    n = inst.callee_name
                    if n and n.startswith(prefix):
                        yield inst


def _set_signature(module, prefix, edit):
    for fn in module.functions:
        if fn.name.startswith(prefix):
            ft = fn.fn_type
            params, args = edit(list(ft.params), list(fn.args))
            fn.set_value_type(FunctionType(ft.ret, params, ft.vararg), fn.addrspace)
            fn.args = args


def lifetime_add_size(module, dialect):
    """22+ `llvm.lifetime.start(ptr)` -> `(i64 -1, ptr)` for older releases."""
    for p in ("llvm.lifetime.start", "llvm.lifetime.end"):
        for call in _calls_to(module, p):
            if len(call.ops) == 1:
                call.ops.insert(0, ConstantInt(I64, -1))
                call.arg_attrs.insert(0, [Attr("immarg")])
                call.fn_type = FunctionType(VOID, [I64, call.fn_type.params[0]])
        _set_signature(module, p, _prepend_size)


def _prepend_size(params, args):
    if len(params) == 1:
        from .values import Argument

        params.insert(0, I64)
        args.insert(0, Argument(I64, None, [Attr("immarg")]))
    return params, args


def lifetime_drop_size(module, dialect):
    """2-operand lifetime markers -> the 22+ form, whose operand must be an alloca: the
    pointer is looked through casts; a marker on anything else is dropped (it is only
    an optimisation hint), as LLVM's own upgrade does."""
    dead = set()
    for p in ("llvm.lifetime.start", "llvm.lifetime.end"):
        for call in _calls_to(module, p):
            if len(call.ops) == 2:
                del call.ops[0]
                del call.arg_attrs[0]
                call.fn_type = FunctionType(VOID, [call.fn_type.params[1]])
            base = _strip_casts(call.ops[0])
            if isinstance(base, I.Alloca):
                call.ops[0] = base
            else:
                dead.add(id(call))
        _set_signature(module, p, lambda ps, args: (ps[-1:], args[-1:]))
    if dead:
        for f in module.functions:
            for b in f.blocks:
                b.instructions = [i for i in b.instructions if id(i) not in dead]


def _strip_casts(v):
    while True:
        if isinstance(v, (I.Cast, ConstantExpr)) and v.opcode in ("bitcast", "addrspacecast"):
            v = v.ops[0]
        elif isinstance(v, (I.GetElementPtr, ConstantExpr)) and v.opcode == "getelementptr" \
                and all(isinstance(x, ConstantInt) and x.value == 0 for x in v.ops[1:]):
            v = v.ops[0]
        else:
            return v


# Position of the pointer operand and of the old i32 alignment operand.
_MASKED = {"llvm.masked.load.": (0, 1), "llvm.masked.store.": (1, 2),
           "llvm.masked.gather.": (0, 1), "llvm.masked.scatter.": (1, 2)}


def masked_add_align(module, dialect):
    for prefix, (ptr, pos) in _MASKED.items():
        for call in _calls_to(module, prefix):
            if len(call.ops) == len(call.fn_type.params) and len(call.ops) == 3:
                align = 1
                for a in call.arg_attrs[ptr]:
                    if isinstance(a, Attr) and a.kind == "align":
                        align = int(a.arg)
                call.arg_attrs[ptr] = [a for a in call.arg_attrs[ptr]
                                       if not (isinstance(a, Attr) and a.kind == "align")]
                call.ops.insert(pos, ConstantInt(I32, align))
                call.arg_attrs.insert(pos, [])
                ps = list(call.fn_type.params)
                ps.insert(pos, I32)
                call.fn_type = FunctionType(call.fn_type.ret, ps)

        def edit(params, args, pos=pos):
            if len(params) == 3:
                from .values import Argument

                params.insert(pos, I32)
                args.insert(pos, Argument(I32, None, [Attr("immarg")]))
            return params, args
        _set_signature(module, prefix, edit)


def masked_drop_align(module, dialect):
    for prefix, (ptr, pos) in _MASKED.items():
        for call in _calls_to(module, prefix):
            if len(call.ops) == 4:
                al = call.ops[pos]
                del call.ops[pos]
                del call.arg_attrs[pos]
                if isinstance(al, ConstantInt) and al.value > 1:
                    call.arg_attrs[ptr] = call.arg_attrs[ptr] + [Attr("align", al.value,
                                                                      "space")]
                ps = list(call.fn_type.params)
                del ps[pos]
                call.fn_type = FunctionType(call.fn_type.ret, ps)

        def edit(params, args, pos=pos):
            if len(params) == 4:
                del params[pos]
                del args[pos]
            return params, args
        _set_signature(module, prefix, edit)


def powi_needs_rename(module, dialect) -> bool:
    mangled = dialect.has("powi-exponent-mangled")
    return any(f.name.startswith("llvm.powi.") and (len(f.name.split(".")) == 4) != mangled
               for f in module.functions)


def rename_powi(module, dialect):
    """`llvm.powi.f64` (<= 12) <-> `llvm.powi.f64.i32` (13+)."""
    mangled = dialect.has("powi-exponent-mangled")
    for fn in module.functions:
        if not fn.name.startswith("llvm.powi."):
            continue
        parts = fn.name.split(".")
        has_exp = len(parts) == 4
        if mangled and not has_exp:
            exp = fn.fn_type.params[1]
            fn.name += f".i{exp.bits}"
        elif not mangled and has_exp:
            fn.name = ".".join(parts[:3])


def opaque_intrinsic_names(module, dialect):
    """Typed-pointer overload suffixes (`.p0i8`) become opaque ones (`.p0`)."""
    from .mangle import pointer_types, remangle
    from .types import PointerType

    for fn in module.functions:
        if fn.name.startswith("llvm."):
            typed = pointer_types(fn.fn_type)
            fn.name = remangle(fn.name, typed, [PointerType(None, t.addrspace) for t in typed])


_REDUCE_OLD = "llvm.experimental.vector.reduce."
_REDUCE_NEW = "llvm.vector.reduce."


def reduction_names(module, dialect):
    """Vector reduction names: 12+ `llvm.vector.reduce.<op>.<vec>`; 9..11 the
    'experimental' prefix, with fadd/fmul as `v2.<op>.<scalar>.<vec>`; 7..8 the result
    type before the vector type in every reduction's name."""
    from .mangle import mangle

    for fn in module.functions:
        name = fn.name
        if name.startswith(_REDUCE_OLD):
            rest = name[len(_REDUCE_OLD):]
        elif name.startswith(_REDUCE_NEW):
            rest = name[len(_REDUCE_NEW):]
        else:
            continue
        parts = rest.split(".")
        if parts[0] == "v2":
            parts = parts[1:]
        op, vec = parts[0], parts[-1]
        scalar = mangle(fn.fn_type.ret)
        if dialect.has("reduce-final-names"):
            fn.name = f"{_REDUCE_NEW}{op}.{vec}"
        elif dialect.has("reduce-v2"):
            mid = f"v2.{op}.{scalar}" if op in ("fadd", "fmul") else op
            fn.name = f"{_REDUCE_OLD}{mid}.{vec}"
        else:
            fn.name = f"{_REDUCE_OLD}{op}.{scalar}.{vec}"


def _noop_pointer_cast(v) -> bool:
    if v.opcode != "bitcast":
        return False
    a, b = v.ops[0].type, v.type
    a = a.elem if isinstance(a, VectorType) else a
    b = b.elem if isinstance(b, VectorType) else b
    return a.is_pointer and b.is_pointer and a.addrspace == b.addrspace


def fold_pointer_casts(module, dialect):
    """With opaque pointers a bitcast from pointer to pointer does nothing: uses read the
    operand directly, and the cast instruction goes."""
    def look(v):
        while isinstance(v, (I.Cast, ConstantExpr)) and _noop_pointer_cast(v):
            v = v.ops[0]
        if isinstance(v, ConstantAggregate):
            v.elems = [look(e) for e in v.elems]
        elif isinstance(v, ConstantExpr):
            v.ops = [look(o) for o in v.ops]
        return v

    for g in module.globals:
        if g.initializer is not None:
            g.initializer = look(g.initializer)
    for a in module.aliases:
        a.target = look(a.target)
    for f in module.functions:
        for k in ("prefix", "prologue", "personality"):
            if getattr(f, k) is not None:
                setattr(f, k, look(getattr(f, k)))
        for b in f.blocks:
            b.instructions = [i for i in b.instructions
                              if not (isinstance(i, I.Cast) and _noop_pointer_cast(i))]
            for i in b.instructions:
                map_operands(i, look)


def _indirect_asm_args(constraints: str):
    """Argument positions of an inline-asm constraint string that are indirect (`*`)."""
    out, arg = [], 0
    for c in constraints.strip('"').split(","):
        c = c.strip()
        if not c or c.startswith("~") or (c.startswith("=") and not c.startswith("=*")):
            continue  # clobbers and direct outputs take no argument
        if "*" in c:
            out.append(arg)
        arg += 1
    return out


def asm_elementtype(module, dialect):
    """From LLVM 14 an indirect inline-asm operand states its pointee: `elementtype(T)`,
    taken from the typed pointer the older IR wrote."""
    from .values import InlineAsm

    for f in module.functions:
        for b in f.blocks:
            for inst in b.instructions:
                if not (isinstance(inst, I.Call) and isinstance(inst.callee, InlineAsm)):
                    continue
                for j in _indirect_asm_args(inst.callee.constraints):
                    if j >= len(inst.ops):
                        break
                    attrs = inst.arg_attrs[j]
                    pointee = getattr(inst.ops[j].type, "pointee", None)
                    if pointee is not None and not any(
                            isinstance(a, Attr) and a.kind == "elementtype" for a in attrs):
                        inst.arg_attrs[j] = attrs + [Attr("elementtype", pointee, "type")]


def _is_weights_with_origin(node) -> bool:
    e = getattr(node, "elems", None)
    return (isinstance(node, MDTuple) and len(e) > 2 and isinstance(e[0], MDString)
            and e[0].text == '"branch_weights"' and isinstance(e[1], MDString))


def branch_weight_origin(module, dialect):
    """`!{!"branch_weights", !"expected", ...}` (19+): the origin string is dropped for
    releases that only read `!{!"branch_weights", weights...}`."""
    for _, node in module.numbered_md:
        if _is_weights_with_origin(node):
            del node.elems[1]
    for f in module.functions:
        for b in f.blocks:
            for inst in b.instructions:
                for _, node in inst.md:
                    if _is_weights_with_origin(node):
                        del node.elems[1]


def has_weight_origin(module) -> bool:
    return any(_is_weights_with_origin(node) for _, node in module.numbered_md)


def _flag_nodes(module):
    from .values import MDRef

    ids = set()
    for name, elems in module.named_md:
        if name == "llvm.module.flags":
            ids |= {e.id for e in elems if isinstance(e, MDRef)}
    return [node for mid, node in module.numbered_md if mid in ids]


def has_min_flag(module) -> bool:
    for node in _flag_nodes(module):
        first = node.elems[0] if isinstance(node, MDTuple) and node.elems else None
        v = getattr(first, "value", None)
        if isinstance(v, ConstantInt) and v.value == 8:
            return True
    return False


def module_flags(module, dialect):
    """Module-flag behaviour 8 (Min) is unknown before LLVM 15: Max (7) has the same
    meaning inside one module."""
    from .values import MDRef, MDTuple as T

    flags = []
    for name, elems in module.named_md:
        if name == "llvm.module.flags":
            flags = [e.id for e in elems if isinstance(e, MDRef)]
    numbered = dict(module.numbered_md)
    for mid in flags:
        node = numbered.get(mid)
        if isinstance(node, T) and node.elems:
            first = node.elems[0]
            v = getattr(first, "value", None)
            if isinstance(v, ConstantInt) and v.value == 8:
                node.elems[0] = type(first)(ConstantInt(v.type, 7))


