"""Shadow memory of the reverse sweep (a mixin of `reverse.GradientSynthesis`): shadows of
stack and heap allocations on the size-tracked shadow heap (`tape.SHADOW_ALLOC`), freed
when the reverse sweep reaches the allocation; realloc; registered allocators; locals
that must outlive the augmented function's frame moved to the heap."""

from __future__ import annotations


from ..ir import instructions as I
from ..ir.types import I1, I8, I64, VOID, FunctionType
from ..ir.values import ConstantInt
from . import tape as T
from .abi import strip_casts
from .errors import TypeAnalysisError
from .headers import data_pointer
from .reverse_builder import ReverseBuilder


class ShadowMemory:
    def _shadow_alloca(self, inst, c, nb):
        """A zeroed heap shadow (it must outlive the augmented function: the reverse sweep
        runs later), freed when the reverse sweep reaches the alloca."""
        size = ConstantInt(I64, T.alloc_size(inst.allocated_type))
        if inst.ops:
            size = nb.append(I.BinaryOp("mul", I64, [self._i64(nb, self.new(inst.ops[0])),
                                                      size]))
        self.shadow[inst] = self._shadow_alloc(nb, size, inst.type)

    def _allocas_to_heap(self):
        """Local variables whose address a registered reverse function receives: they must
        outlive the augmented function's frame, so they move to the heap (freed when the
        reverse sweep reaches them)."""
        from ..ir.values_walk_local import map_operands

        for inst in self.heap_allocas:
            c = self.vmap[inst]
            nb = c.parent
            bp = self.tape.byte_ptr
            size = ConstantInt(I64, T.store_size(inst.allocated_type))
            new = []
            if inst.ops:
                n = c.ops[0]
                if n.type != I64:
                    n = I.Cast("zext", I64, [n])
                    new.append(n)
                size = I.BinaryOp("mul", I64, [size, n])
                new.append(size)
            f = self.declare("malloc", FunctionType(bp, [I64]))
            m = I.Call("call", bp, f.fn_type, f, [size], [[]])
            new.append(m)
            if c.type != bp:
                m = I.Cast("bitcast", c.type, [m])
                new.append(m)
            for x in new:
                x.parent = nb
            pos = nb.instructions.index(c)
            nb.instructions[pos:pos + 1] = new

            def swap(v, c=c, m=m):
                return m if v is c else v
            for b in self.fn.blocks:  # lifetime markers apply to allocas only: dropped
                b.instructions = [x for x in b.instructions if not (
                    isinstance(x, I.Call) and any(strip_casts(a) is c for a in x.args)
                    and getattr(x.callee, "name", "").startswith("llvm.lifetime."))]
                for x in b.instructions:
                    map_operands(x, swap, constants=False)
            self.vmap[inst] = m

    def _custom_shadow_allocation(self, inst, c, nb, custom):
        """A registered allocator's shadow comes from the same allocator (same arguments),
        zeroed (its data when the allocator returns a header), and goes back through the
        registered deallocator in the reverse sweep."""
        indices, free_name, data_field, takes_args = custom
        s = I.shallow_copy(c)
        s.ops, s.md, s.name = list(c.ops), [], None
        s.arg_attrs = [list(a) for a in c.arg_attrs]
        nb.append(s)
        size = None
        for k in indices:
            v = self._i64(nb, c.args[k])
            size = v if size is None else nb.append(I.BinaryOp("mul", I64, [size, v]))
        bp = self.tape.byte_ptr
        f = self.declare("llvm.memset.p0.i64" if self.tape.opaque else "llvm.memset.p0i8.i64",
                         FunctionType(VOID, [bp, I8, I64, I1]))
        data = self._byte_ptr(nb.append, s) if data_field is None else \
            data_pointer(nb.append, s, data_field)
        nb.append(I.Call("call", VOID, f.fn_type, f, [data,
                                                      ConstantInt(I8, 0), size,
                                                      ConstantInt(I1, 0)], [[], [], [], []]))
        self.shadow[inst] = s
        free_fn = self.module.symbols.get(free_name)
        if free_fn is None:  # only the allocation is in the module: declare its free
            extra = [a.type for a in c.args] if takes_args else []
            free_fn = self.declare(free_name, FunctionType(VOID, [inst.type, *extra]))
        self.custom_frees[inst] = (free_fn, list(c.args) if takes_args else [])

    def _free_heap(self, ptr):
        bp = self.tape.byte_ptr
        f = self.declare("free", FunctionType(VOID, [bp]))
        self.remit(I.Call("call", VOID, f.fn_type, f, [self._byte_ptr(self.remit, ptr)], [[]]))

    def _i64(self, nb, v):
        return v if v.type == I64 else nb.append(I.Cast("zext", I64, [v]))

    def _runtime_call(self, emit, name, args):
        f = self.mode.runtime()[name]
        return emit(I.Call("call", f.fn_type.ret, f.fn_type, f, list(args),
                           [[] for _ in args]))

    def _shadow_alloc(self, nb, nbytes, ptr_type):
        """Zeroed shadow memory of `nbytes` that knows its size (see tape.SHADOW_ALLOC)."""
        p = self._runtime_call(nb.append, T.SHADOW_ALLOC, [self._i64(nb, nbytes)])
        if ptr_type != p.type:
            p = nb.append(I.Cast("bitcast", ptr_type, [p]))
        return p

    def _byte_ptr(self, emit, p):
        bp = self.tape.byte_ptr
        return p if p.type == bp else emit(I.Cast("bitcast", bp, [p]))

    def _shadow_realloc(self, inst, nb):
        """realloc(p, n): a new zeroed shadow takes over the old one's bytes (pointer
        shadows among them); the old shadow stays alive for the reverse sweep, which
        hands the adjoints of the kept bytes back to it (`_reverse_realloc`)."""
        old, n = inst.args
        new = self._shadow_alloc(nb, self.new(n), inst.type)
        sold = self.shadow.get(old)
        if sold is None:
            self.shadow[inst] = new
            return
        emit = nb.append
        old_size = self._runtime_call(emit, T.SHADOW_SIZE, [self._byte_ptr(emit, sold)])
        n64 = self._i64(nb, self.new(n))
        keep = emit(I.Select("select", I64, [emit(I.Compare("icmp", I1, [old_size, n64],
                                                             "ult")), old_size, n64]))
        f = self.declare("llvm.memcpy.p0.p0.i64" if self.tape.opaque else
                         "llvm.memcpy.p0i8.p0i8.i64",
                         FunctionType(VOID, [self.tape.byte_ptr, self.tape.byte_ptr, I64, I1]))
        emit(I.Call("call", VOID, f.fn_type, f, [self._byte_ptr(emit, new),
                                                 self._byte_ptr(emit, sold), keep,
                                                 ConstantInt(I1, 0)], [[], [], [], []]))
        self.shadow[inst] = new
        self.realloc_kept[inst] = keep

    def _free(self, ptr):
        if self.g.nofree:
            return
        self._runtime_call(self.remit, T.SHADOW_FREE, [self._byte_ptr(self.remit, ptr)])

    def _reverse_realloc(self, inst):
        from .types_analysis import UNKNOWN, copied_kind

        kind = copied_kind(self.primal, self.activity, inst, inst.args[0], self.module)
        if kind in ("pointer",) or (kind == UNKNOWN and self.mode.loose_types):
            return
        if kind not in ("double", "float"):
            raise self.error(TypeAnalysisError, inst,
                             f"cannot tell which floats the reallocated bytes hold ({kind})")
        rule = self.registry.reverse("intrinsic", "llvm.memmove")
        rb = ReverseBuilder(self, inst, self.vmap[inst], self.rblock)
        new = self._byte_ptr(self.remit, self.fwd(self.shadow[inst]))
        old = self._byte_ptr(self.remit, self.fwd(self.shadow[inst.args[0]]))
        keep = self.fwd(self.realloc_kept[inst])
        rule.adjoint.transfer(rb, kind, new, old, keep)
