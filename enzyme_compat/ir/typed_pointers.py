"""Rebuild typed pointers for releases that need them (opaque `ptr` input, typed output).

Every opaque pointer becomes `i8*` in its address space, except where the IR itself says
what is behind it: allocas, globals, functions, GEP results and byval/sret-style
parameters get their real pointee. Where a use needs another pointee (a load of double,
a GEP over a struct, a call through a pointer) a bitcast is inserted: a constant
expression for constants, an instruction before the user otherwise (in the incoming
block for phis). Overloaded intrinsic names are re-mangled to match (`.p0` -> `.p0i8`).
"""

from __future__ import annotations

from . import instructions as I
from .attributes import TYPE_ATTRS, Attr
from .mangle import pointer_types, remangle
from .module import Function, GlobalValue
from .types import (I8, ArrayType, FunctionType, IdentifiedStructType, PointerType,
                    StructType, VectorType, element_type)
from .values import (Argument, ConstantAggregate, ConstantExpr, InlineAsm, MDNode, MDTuple, MDValue,
                     MetadataAsValue, Splat, _Keyword)


class TypedPointers:
    def __init__(self, module):
        self.m = module
        self.memo = {}
        self.done_structs = set()

    # ---------------------------------------------------------------- types
    def ty(self, t):
        """`t` with every opaque pointer made `i8*` (structs rewritten in place)."""
        if isinstance(t, PointerType):
            if t.pointee is None:
                return PointerType(I8, t.addrspace)
            return PointerType(self.ty(t.pointee), t.addrspace)
        if isinstance(t, VectorType):
            return VectorType(t.count, self.ty(t.elem), t.scalable)
        if isinstance(t, ArrayType):
            return ArrayType(t.count, self.ty(t.elem))
        if isinstance(t, StructType):
            return StructType([self.ty(e) for e in t.elems], t.packed)
        if isinstance(t, FunctionType):
            return FunctionType(self.ty(t.ret), [self.ty(p) for p in t.params], t.vararg)
        if isinstance(t, IdentifiedStructType):
            if id(t) not in self.done_structs:
                self.done_structs.add(id(t))
                if t.body is not None:
                    t.body = self.ty(t.body)
                alias = getattr(t, "_alias", None)
                if alias is not None:
                    t._alias = self.ty(alias)
            return t
        return t

    def param_type(self, t, attrs):
        """Pointer parameters carrying byval(T)/sret(T)/... point to T."""
        if isinstance(t, PointerType) and t.pointee is None:
            for a in attrs:
                if isinstance(a, Attr) and a.kind in TYPE_ATTRS and a.arg is not None and \
                        a.kind != "elementtype":
                    return PointerType(self.ty(a.arg), t.addrspace)
        return self.ty(t)

    # ---------------------------------------------------------------- driver
    def run(self):
        m = self.m
        for st in m.types:
            self.ty(st)
        for g in m.globals:
            g.set_value_type(self.ty(g.value_type), g.addrspace)
        for a in m.aliases:
            a.set_value_type(self.ty(a.value_type), a.addrspace)
        renames = []
        for f in m.functions:
            old = f.fn_type
            params = [self.param_type(p, f.args[j].attrs if j < len(f.args) else [])
                      for j, p in enumerate(old.params)]
            new = FunctionType(self.ty(old.ret), params, old.vararg)
            f.set_value_type(new, f.addrspace)
            for a, p in zip(f.args, params):
                a.type = p
            if f.name.startswith("llvm."):
                new = self.intrinsic_signature(f, new)
                renames.append((f, remangle(f.name, pointer_types(old), pointer_types(new))))
        for f, name in renames:
            f.name = name
        for g in m.globals:
            if g.initializer is not None:
                g.initializer = self.const(g.initializer, g.value_type)
        for a in m.aliases:
            if a.kind == "alias":
                want = PointerType(a.value_type, a.addrspace)
            else:  # an ifunc's resolver returns a pointer to the ifunc's function type
                want = PointerType(FunctionType(PointerType(a.value_type, a.addrspace), []))
            a.target = self.const(a.target, want)
        for f in m.functions:
            for k in ("prefix", "prologue", "personality"):
                v = getattr(f, k)
                if v is not None:
                    setattr(f, k, self.const(v, None))
            if f.blocks:
                self.function(f)

    def intrinsic_signature(self, f, ft):
        """Intrinsics whose typed signature needs a specific pointee."""
        base = f.name
        p = list(ft.params)
        if base.startswith(("llvm.masked.load.", "llvm.masked.expandload.")):
            data = ft.ret
            pointee = data if base.startswith("llvm.masked.load.") else data.elem
            p[0] = PointerType(pointee, p[0].addrspace)
        elif base.startswith(("llvm.masked.store.", "llvm.masked.compressstore.")):
            data = p[0]
            pointee = data if base.startswith("llvm.masked.store.") else data.elem
            p[1] = PointerType(pointee, p[1].addrspace)
        elif base.startswith("llvm.masked.gather."):
            p[0] = VectorType(p[0].count, PointerType(ft.ret.elem, p[0].elem.addrspace))
        elif base.startswith("llvm.masked.scatter."):
            p[1] = VectorType(p[1].count, PointerType(p[0].elem, p[1].elem.addrspace))
        else:
            return ft
        new = FunctionType(ft.ret, p, ft.vararg)
        f.set_value_type(new, f.addrspace)
        for a, t in zip(f.args, p):
            a.type = t
        return new

    # ---------------------------------------------------------------- constants
    def const(self, c, want):
        """Constant `c` rewritten, cast to `want` when that differs (None: no demand)."""
        c = self.const_inner(c)
        if want is not None and c.type != want:
            c = self.cast_const(c, want)
        return c

    def const_inner(self, c):
        if isinstance(c, GlobalValue) or isinstance(c, (Argument, I.Instruction)):
            return c
        key = id(c)
        hit = self.memo.get(key)
        if hit is not None:
            return hit
        if isinstance(c, _Keyword):
            c.type = self.ty(c.type)
        elif isinstance(c, ConstantAggregate):
            c.type = self.ty(c.type)
            t = c.type
            for j, e in enumerate(c.elems):
                et = t.elems[j] if isinstance(t, (StructType, IdentifiedStructType)) else t.elem
                c.elems[j] = self.const(e, et)
        elif isinstance(c, Splat):
            c.type = self.ty(c.type)
            c.elem = self.const(c.elem, c.type.elem)
        elif isinstance(c, ConstantExpr):
            self.const_expr(c)
        elif hasattr(c, "type"):
            c.type = self.ty(c.type)
        self.memo[key] = c
        return c

    def const_expr(self, e):
        op = e.opcode
        if op == "getelementptr":
            e.source_type = self.ty(e.source_type)
            base = e.ops[0]
            bt = self.const_inner(base).type
            as_ = bt.scalar.addrspace if bt.scalar.is_pointer else 0
            e.ops[0] = self.const(base, PointerType(e.source_type, as_))
            for j in range(1, len(e.ops)):
                e.ops[j] = self.const(e.ops[j], None)
            e.type = PointerType(self.indexed(e.source_type, e.ops[2:]), as_)
        elif op in ("bitcast", "addrspacecast", "inttoptr", "ptrtoint") or op in I.CASTS:
            e.ops[0] = self.const(e.ops[0], None)
            e.type = self.ty(e.type)
        else:
            e.type = self.ty(e.type)
            for j, o in enumerate(e.ops):
                e.ops[j] = self.const(o, None)
            if op in ("icmp", "select") and any(o.type.is_pointer for o in e.ops):
                ptrs = [j for j, o in enumerate(e.ops) if o.type.is_pointer]
                for j in ptrs:
                    e.ops[j] = self.cast_const(e.ops[j], PointerType(I8, e.ops[j].type.addrspace))
                if op == "select":
                    e.type = e.ops[1].type

    def cast_const(self, c, want):
        if c.type == want:
            return c
        if isinstance(c, _Keyword):
            return type(c)(want)
        src = c.type.scalar if isinstance(c.type, VectorType) else c.type
        dst = want.scalar if isinstance(want, VectorType) else want
        if not (isinstance(src, PointerType) and isinstance(dst, PointerType)):
            return c  # not a pointer mismatch: leave it to the verifier to judge
        op = "bitcast" if src.addrspace == dst.addrspace else "addrspacecast"
        return ConstantExpr(op, want, [c])

    def indexed(self, t, indices):
        for idx in indices:
            t = element_type(t, getattr(idx, "value", None))
        return t

    # ---------------------------------------------------------------- functions
    def function(self, f: Function):
        insts = [(b, i) for b in f.blocks for i in b.instructions]
        for b, i in insts:
            self.result_type(i)
        self.pending = []  # (block, index position marker, cast)
        for b in f.blocks:
            new = []
            for i in b.instructions:
                self.casts = []
                self.operands(f, b, i)
                new.extend(self.casts)
                new.append(i)
            b.instructions = new
        for blk, cast in self.pending:  # casts for phi inputs: before the incoming terminator
            blk.instructions.insert(len(blk.instructions) - 1, cast)
            cast.parent = blk

    def result_type(self, i):
        if isinstance(i, I.Alloca):
            i.allocated_type = self.ty(i.allocated_type)
            i.type = PointerType(i.allocated_type, i.type.addrspace)
        elif isinstance(i, I.GetElementPtr):
            i.source_type = self.ty(i.source_type)
            base = i.type.scalar if isinstance(i.type, VectorType) else i.type
            pt = PointerType(self.indexed(i.source_type, i.ops[2:]), base.addrspace)
            i.type = VectorType(i.type.count, pt, i.type.scalable) \
                if isinstance(i.type, VectorType) else pt
        elif isinstance(i, I.Call):
            i.fn_type = self.ty(i.fn_type)
            callee = i.callee
            if isinstance(callee, Function) and len(callee.fn_type.params) == len(
                    i.fn_type.params) and callee.fn_type.vararg == i.fn_type.vararg:
                i.fn_type = callee.fn_type
            i.type = i.fn_type.ret
        elif isinstance(i, I.Load):
            i.type = self.ty(i.type)
        elif i.type is not None:
            i.type = self.ty(i.type)

    def operands(self, f, b, i):
        ops = i.ops
        fix = self.fix
        if isinstance(i, I.Load):
            ops[0] = fix(b, i, ops[0], PointerType(i.type, _as(ops[0])))
        elif isinstance(i, I.Store):
            ops[0] = fix(b, i, ops[0], None)
            ops[1] = fix(b, i, ops[1], PointerType(ops[0].type, _as(ops[1])))
        elif isinstance(i, I.GetElementPtr):
            base = PointerType(i.source_type, _as(ops[0]))
            if isinstance(ops[0].type, VectorType):
                base = VectorType(ops[0].type.count, base, ops[0].type.scalable)
            ops[0] = fix(b, i, ops[0], base)
            for j in range(1, len(ops)):
                ops[j] = fix(b, i, ops[j], None)
        elif isinstance(i, I.Call):
            ft = i.fn_type
            for j, a in enumerate(ops):
                ops[j] = fix(b, i, a, ft.params[j] if j < len(ft.params) else None)
            if isinstance(i.callee, InlineAsm):  # typed by the call, never cast
                i.callee.type = PointerType(ft)
            else:
                i.callee = fix(b, i, i.callee, PointerType(ft, _as(i.callee)))
            for _, vals in i.bundles:
                for j, v in enumerate(vals):
                    vals[j] = fix(b, i, v, None)
        elif isinstance(i, I.Ret):
            if ops:
                ops[0] = fix(b, i, ops[0], f.fn_type.ret)
        elif isinstance(i, I.Phi):
            for j, v in enumerate(ops):
                ops[j] = self.fix_phi(i.blocks[j], v, i.type)
        elif isinstance(i, I.Select):
            ops[0] = fix(b, i, ops[0], None)
            ops[1] = fix(b, i, ops[1], i.type)
            ops[2] = fix(b, i, ops[2], i.type)
        elif isinstance(i, I.Compare):
            a, c = fix(b, i, ops[0], None), fix(b, i, ops[1], None)
            if a.type != c.type and a.type.scalar.is_pointer:
                want = self.ty(PointerType(None, _as(a)))
                if isinstance(a.type, VectorType):
                    want = VectorType(a.type.count, want, a.type.scalable)
                a, c = fix(b, i, a, want), fix(b, i, c, want)
            ops[0], ops[1] = a, c
        elif isinstance(i, I.InsertValue):
            ops[0] = fix(b, i, ops[0], i.type)
            t = i.type
            for n in i.indices:
                t = element_type(t, n)
            ops[1] = fix(b, i, ops[1], t)
        elif isinstance(i, I.InsertElement):
            ops[0] = fix(b, i, ops[0], i.type)
            ops[1] = fix(b, i, ops[1], i.type.elem)
            ops[2] = fix(b, i, ops[2], None)
        elif isinstance(i, I.ShuffleVector):
            ops[0] = fix(b, i, ops[0], None)
            ops[1] = fix(b, i, ops[1], ops[0].type)
            ops[2] = fix(b, i, ops[2], None)
        elif isinstance(i, I.AtomicRMW):
            ops[1] = fix(b, i, ops[1], None)
            ops[0] = fix(b, i, ops[0], PointerType(ops[1].type, _as(ops[0])))
        elif isinstance(i, I.CmpXchg):
            ops[1] = fix(b, i, ops[1], None)
            ops[2] = fix(b, i, ops[2], ops[1].type)
            ops[0] = fix(b, i, ops[0], PointerType(ops[1].type, _as(ops[0])))
            i.type = StructType([ops[1].type, i.type.elems[1]])
        elif isinstance(i, I.LandingPad):
            for j, v in enumerate(ops):
                ops[j] = fix(b, i, v, None)
        elif isinstance(i, I.DebugRecord):
            for a in i.args:
                self.fix_md(a)
        else:
            for j, v in enumerate(ops):
                ops[j] = fix(b, i, v, None)
            if isinstance(i, (I.Freeze,)):
                i.type = ops[0].type
        for _, md in i.md:
            self.fix_md(md)

    def fix_md(self, md):
        if isinstance(md, MDValue):
            md.value = self.const_inner(md.value)
        elif isinstance(md, MDNode):
            for _, v in md.fields:
                self.fix_md(v)
        elif isinstance(md, MDTuple):
            for v in md.elems:
                self.fix_md(v)

    def fix(self, b, user, v, want):
        if isinstance(v, MetadataAsValue):
            self.fix_md(v.md)
            return v
        if v.is_constant:
            return self.const(v, want)
        if want is None or v.type == want:
            return v
        if not _pointerish(v.type) or not _pointerish(want):
            return v
        cast = self._cast(v, want)
        cast.parent = b
        self.casts.append(cast)
        return cast

    def fix_phi(self, pred, v, want):
        if v.is_constant:
            return self.const(v, want)
        if v.type == want or not _pointerish(v.type):
            return v
        cast = self._cast(v, want)
        self.pending.append((pred, cast))
        return cast

    @staticmethod
    def _cast(v, want):
        src = v.type.scalar if isinstance(v.type, VectorType) else v.type
        dst = want.scalar if isinstance(want, VectorType) else want
        op = "bitcast" if src.addrspace == dst.addrspace else "addrspacecast"
        return I.Cast(op, want, [v])


def _pointerish(t) -> bool:
    return isinstance(t, PointerType) or (isinstance(t, VectorType) and
                                          isinstance(t.elem, PointerType))


def _as(v) -> int:
    t = v.type.scalar if isinstance(v.type, VectorType) else v.type
    return t.addrspace if isinstance(t, PointerType) else 0


def to_typed_pointers(module):
    TypedPointers(module).run()


