"""Function bodies: basic blocks, instructions, local names and forward references.

A mixin of `Parser` (see parser.py for the token helpers it relies on).
"""

from __future__ import annotations

from . import instructions as I
from .module import BasicBlock
from .checks import FCMP_PREDICATES, ICMP_PREDICATES, cast_error
from .typeutil import compatible, type_str
from .types import (I1, LABEL, METADATA, TOKEN, TYPE_START_KW, VOID, FunctionType,
                    IdentifiedStructType, IntType, PointerType, StructType, VectorType,
                    element_type)
from .values import ConstantInt, InlineAsm, Placeholder
from .values_walk_local import map_operands

# Token kinds an attribute can start with (as in parser.py).
ATTR_START = frozenset({"kw", "str", "attrgrp"})

ORDERINGS = frozenset({"unordered", "monotonic", "acquire", "release", "acq_rel", "seq_cst"})
FMF = frozenset(I.FAST_MATH_FLAGS)
INT_FLAGS = {"add": ("nuw", "nsw"), "sub": ("nuw", "nsw"), "mul": ("nuw", "nsw"),
             "shl": ("nuw", "nsw"), "udiv": ("exact",), "sdiv": ("exact",),
             "lshr": ("exact",), "ashr": ("exact",), "or": ("disjoint",)}
CAST_FLAGS = {"zext": ("nneg",), "uitofp": ("nneg",), "trunc": ("nuw", "nsw"),
              "fptrunc": tuple(FMF), "fpext": tuple(FMF), "sitofp": (), "fptosi": ()}
CALL_FLAGS = FMF
STOP_AT_TO = frozenset({"to"})
# Type keywords: neither a calling convention nor an attribute (those lists stop there).
PLAIN_TYPE_WORDS = TYPE_START_KW | {f"i{n}" for n in (1, 8, 16, 32, 64, 128)}
TERMINATORS = frozenset(I.TERMINATORS)
# Operand count of each debug record kind (the location is the last operand).
DEBUG_RECORD_OPERANDS = {"value": 4, "declare": 4, "assign": 7, "label": 2, "declare_value": 4}
# atomicrmw operations that only some releases have -> the syntax feature naming them.
ATOMICRMW_FEATURE = {"fadd": "atomicrmw-fadd", "fsub": "atomicrmw-fadd",
                     "fmax": "atomicrmw-fmax", "fmin": "atomicrmw-fmax",
                     "uinc_wrap": "atomicrmw-uinc-wrap", "udec_wrap": "atomicrmw-uinc-wrap",
                     "usub_cond": "atomicrmw-usub", "usub_sat": "atomicrmw-usub",
                     "fmaximum": "atomicrmw-fmaximum", "fminimum": "atomicrmw-fmaximum"}


class BodyParser:
    # ------------------------------------------------------------------ scope
    def begin_function(self, fn):
        self.fn = fn
        self.locals = {}
        self.placeholders = {}
        self.blocks = {}
        self.block_first_ref = {}
        self.next_num = 0
        self.uses_forward = False  # the instruction being parsed names a later value
        self.forward_users = []  # instructions to patch once the function is complete
        for a in fn.args:
            self.number_or_name(a, a.name)

    def number_or_name(self, value, name, at=None):
        if name is None:
            name = str(self.next_num)
            self.next_num += 1
        elif name.isdigit():
            if int(name) != self.next_num:
                raise self.error(f"value expected to be numbered '%{self.next_num}'"
                                 f" (found '%{name}')", at)
            self.next_num += 1
        if name in self.locals:
            raise self.error(f"multiple definition of local value named '%{name}'", at)
        ph = self.placeholders.get(name)
        if ph is not None:
            if isinstance(value, BasicBlock):
                raise self.error(f"'%{name}' is used as a value but defined as a block label",
                                 ph.pos)
            if not compatible(ph.type, value.type):
                raise self.error(f"'%{name}' defined with type '{type_str(value.type)}' but "
                                 f"used with type '{type_str(ph.type)}'", at)
        self.locals[name] = value
        return name

    def local_ref(self, ty):
        name = self.t[self.i][1:]
        if self.fn is None:
            raise self.error(f"local value '%{name}' used outside a function")
        v = self.locals.get(name)
        if v is None:
            self.uses_forward = True
            v = self.placeholders.get(name)
            if v is None:
                if ty is LABEL:
                    raise self.error("expected a value, found a label reference")
                v = self.placeholders[name] = Placeholder(ty, name, self.i)
        if v.__class__ is BasicBlock or not compatible(v.type, ty):
            vt = "label" if isinstance(v, BasicBlock) else type_str(v.type)
            raise self.error(f"'%{name}' defined with type '{vt}' but expected '{type_str(ty)}'")
        self.i += 1
        return v

    def block_ref(self):
        if self.k[self.i] != "local":
            raise self.expected("basic block label ('%name')")
        name = self.t[self.i][1:]
        b = self.blocks.get(name)
        if b is None:
            b = self.blocks[name] = BasicBlock(None if name.isdigit() else name, self.fn)
            b.pos = self.i
        self.i += 1
        return b

    def parse_label_ref(self):
        self.expect_kw("label")
        return self.block_ref()

    # ------------------------------------------------------------------ body
    def parse_body(self, fn):
        self.begin_function(fn)
        k = self.k
        first = True
        while k[self.i] != "}":
            if k[self.i] == "eof":
                raise self.error("expected '}' at end of function body, found end of file")
            self.parse_block(fn, first)
            first = False
        if first:
            raise self.error("function body requires at least one basic block")
        self.i += 1
        self.finish_function(fn)

    def parse_block(self, fn, first):
        at = self.i
        if self.k[self.i] == "label":
            name = self.t[self.i]
            self.i += 1
        else:
            name = None
        key = name if name is not None else str(self.next_num)
        b = self.blocks.get(key)
        if b is None:
            b = self.blocks[key] = BasicBlock(None if key.isdigit() else key, fn)
        elif getattr(b, "_defined", False):
            raise self.error(f"redefinition of basic block '%{key}'", at)
        b._defined = True
        self.number_or_name(b, key if name is not None else None, at)
        fn.blocks.append(b)
        k = self.k
        append = b.instructions.append
        while True:
            if k[self.i] in ("label", "}", "eof"):
                raise self.expected("instruction (the block has no terminator)")
            inst = self.parse_instruction()
            if inst is None:
                continue
            inst.parent = b  # b.append(inst), inlined: once per instruction
            append(inst)
            if inst.opcode in TERMINATORS:  # inst.is_terminator, without the property call
                return

    def finish_function(self, fn):
        for name, b in self.blocks.items():
            if not getattr(b, "_defined", False):
                raise self.error(f"use of undefined label '%{name}'", b.pos)
        pending = {n: p for n, p in self.placeholders.items()}
        for name, ph in pending.items():
            if name not in self.locals:
                raise self.error(f"use of undefined value '%{name}'", ph.pos)
        if pending:
            repl = {id(p): self.locals[n] for n, p in pending.items()}
            def resolve(v):
                return repl[id(v)] if v.__class__ is Placeholder else v

            for inst in self.forward_users:
                map_operands(inst, resolve)
        self.check_phis(fn)
        fn._block_names = {k: b for k, b in self.blocks.items()}
        for b in fn.blocks:
            del b._defined
        self.fn = None

    def check_phis(self, fn):
        """Each phi names exactly the block's predecessors (the verifier's rule)."""
        Phi = I.Phi
        heads = [b for b in fn.blocks if b.instructions and type(b.instructions[0]) is Phi]
        if not heads:
            return
        preds = {id(b): set() for b in heads}  # (of the blocks that start with phis only)
        for b in fn.blocks:
            t = b.terminator
            for s in (t.successors() if t is not None else []):
                got = preds.get(id(s))
                if got is not None:
                    got.add(id(b))
        for b in heads:
            for inst in b.instructions:
                if type(inst) is not Phi:
                    break
                if {id(x) for x in inst.blocks} != preds[id(b)]:
                    raise self.error("phi's incoming blocks do not match the predecessors of "
                                     "its block", inst._pos)

    # ------------------------------------------------------------------ instructions
    def parse_instruction(self):
        k, t = self.k, self.t
        name = None
        at = self.i
        if k[self.i] == "local":
            name = t[self.i][1:]
            self.i += 1
            if k[self.i] != "=":
                raise self.expected("'=' after the instruction name")
            self.i += 1
        if k[self.i] != "kw":
            if k[self.i] != "dbgrec":
                raise self.expected("instruction opcode")
            if name is not None:
                raise self.error("debug records cannot have a name", at)
            rec = self.parse_debug_record()
            if self.uses_forward:
                self.forward_users.append(rec)
                self.uses_forward = False
            return rec
        op = t[self.i]
        handler = _DISPATCH.get(op)
        if handler is None:
            if op in ("uselistorder", "uselistorder_bb"):
                self.skip_line()
                return None
            raise self.error(f"expected instruction opcode, found '{op}'")
        op_at = self.i
        self.i += 1
        inst = handler(self, op)
        if self.uses_forward:
            self.forward_users.append(inst)
            self.uses_forward = False
        # trailing metadata attachments
        if k[self.i] == "," and k[self.i + 1] == "meta":
            md = inst.md = []
            while k[self.i] == "," and k[self.i + 1] == "meta":
                self.i += 1
                md.append(self.parse_attachment())
        if inst.type is VOID:
            if name is not None:
                raise self.error("instructions returning void cannot have a name", at)
        else:
            if name is not None and not name.isdigit():
                inst.name = name
            self.number_or_name(inst, name, at)
        if op == "phi":  # where check_phis points; other instructions need no dict for it
            inst._pos = op_at
        return inst

    def parse_flags(self, allowed) -> list:
        flags = []
        k, t = self.k, self.t
        while k[self.i] == "kw" and t[self.i] in allowed:
            flags.append(t[self.i])
            self.i += 1
        return flags

    def p_binary(self, op):
        flags = self.parse_flags(FMF if op[0] == "f" else INT_FLAGS.get(op, ()))
        at = self.i
        ty = self.parse_type()
        if op[0] == "f" and not ty.scalar.is_float:
            raise self.error(f"'{op}' requires floating-point operands, not "
                             f"'{type_str(ty)}'", at)
        if op[0] != "f" and not ty.scalar.is_int:
            raise self.error(f"'{op}' requires integer operands, not '{type_str(ty)}'", at)
        a = self.parse_value(ty)
        self.expect(",", f"',' between the operands of '{op}'")
        b = self.parse_value(ty)
        return I.BinaryOp(op, ty, [a, b], flags)

    def p_fneg(self, op):
        flags = self.parse_flags(FMF)
        ty = self.parse_type()
        return I.UnaryOp("fneg", ty, [self.parse_value(ty)], flags)

    def p_cast(self, op):
        flags = self.parse_flags(CAST_FLAGS.get(op, ()))
        at = self.i
        v = self.parse_typed_value()
        self.expect_kw("to")
        dest = self.parse_type()
        why = cast_error(op, v.type, dest)
        if why:
            raise self.error(f"invalid cast '{op} {type_str(v.type)} to {type_str(dest)}': "
                             f"{why}", at)
        return I.Cast(op, dest, [v], flags)

    def p_cmp(self, op):
        flags = self.parse_flags(FMF if op == "fcmp" else ("samesign",))
        valid = FCMP_PREDICATES if op == "fcmp" else ICMP_PREDICATES
        if self.k[self.i] != "kw" or self.t[self.i] not in valid:
            raise self.expected(f"{op} predicate")
        pred = self.t[self.i]
        self.i += 1
        at = self.i
        ty = self.parse_type()
        if op == "fcmp" and not ty.scalar.is_float:
            raise self.error(f"fcmp requires floating-point operands, not '{type_str(ty)}'", at)
        if op == "icmp" and not (ty.scalar.is_int or ty.scalar.is_pointer):
            raise self.error(f"icmp requires integer or pointer operands, not "
                             f"'{type_str(ty)}'", at)
        a = self.parse_value(ty)
        self.expect(",")
        b = self.parse_value(ty)
        rt = VectorType(ty.count, I1, ty.scalable) if isinstance(ty, VectorType) else I1
        return I.Compare(op, rt, [a, b], pred, flags)

    def p_select(self, op):
        flags = self.parse_flags(FMF)
        c = self.parse_typed_value()
        self.expect(",")
        a = self.parse_typed_value()
        self.expect(",")
        b = self.parse_typed_value()
        return I.Select("select", a.type, [c, a, b], flags)

    def p_phi(self, op):
        flags = self.parse_flags(FMF)
        ty = self.parse_type()
        vals, blocks = [], []
        while True:
            self.expect("[", "'[' starting a phi incoming pair")
            vals.append(self.parse_value(ty))
            self.expect(",", "',' between the phi value and its block")
            blocks.append(self.block_ref())
            self.expect("]", "']' closing a phi incoming pair")
            if not (self.k[self.i] == "," and self.k[self.i + 1] == "["):
                break
            self.i += 1
        return I.Phi(ty, vals, blocks, flags)

    def p_freeze(self, op):
        v = self.parse_typed_value()
        return I.Freeze("freeze", v.type, [v])

    def p_alloca(self, op):
        flags = self.parse_flags(("inalloca", "swifterror"))
        ty = self.parse_type()
        ops, align, addrspace = [], None, None
        while self.k[self.i] == ",":
            if self.k[self.i + 1] == "meta":
                break
            self.i += 1
            if self.eat_kw("align"):
                align = self.parse_alignment()
            elif self.is_kw("addrspace"):
                addrspace = self.parse_optional_addrspace()
            else:
                ops.append(self.parse_typed_value())
        return I.Alloca(PointerType(ty, addrspace or 0), ty, ops, align, addrspace, flags)

    def parse_ordering_tail(self):
        scope = None
        if self.is_kw("syncscope"):
            self.i += 1
            self.expect("(")
            scope = self.parse_string("sync scope name")
            self.expect(")")
        if not (self.k[self.i] == "kw" and self.t[self.i] in ORDERINGS):
            raise self.expected("atomic ordering")
        self.i += 1
        return scope, self.t[self.i - 1]

    def parse_align_tail(self):
        align = None
        while self.k[self.i] == "," and self.k[self.i + 1] != "meta":
            self.i += 1
            if self.eat_kw("align"):
                align = self.parse_alignment()
            else:
                raise self.expected("'align' or metadata attachment")
        return align

    def p_load(self, op):
        atomic = self.eat_kw("atomic")
        flags = self.parse_flags(("volatile",))
        ty = self.parse_type()
        self.expect(",", "',' after the loaded type")
        at = self.i
        pt = self.parse_type()
        if not pt.is_pointer:
            raise self.error("load operand must be a pointer", at)
        if pt.pointee is not None and pt.pointee != ty:
            raise self.error(f"explicit pointee type '{type_str(ty)}' does not match the "
                             f"pointer operand type '{type_str(pt)}'", at)
        ptr = self.parse_value(pt)
        scope = ordering = None
        if atomic:
            scope, ordering = self.parse_ordering_tail()
        return I.Load(ty, [ptr], self.parse_align_tail(), ordering, scope, flags)

    def p_store(self, op):
        atomic = self.eat_kw("atomic")
        flags = self.parse_flags(("volatile",))
        vt = self.parse_type()
        v = self.parse_value(vt)
        self.expect(",", "',' between the stored value and the pointer")
        at = self.i
        pt = self.parse_type()
        ptr = self.parse_value(pt)
        if not pt.is_pointer:
            raise self.error("store operand must be a pointer", at)
        if pt.pointee is not None and pt.pointee != vt:
            raise self.error(f"stored value type '{type_str(vt)}' does not match pointer "
                             f"operand type '{type_str(pt)}'", at)
        scope = ordering = None
        if atomic:
            scope, ordering = self.parse_ordering_tail()
        return I.Store([v, ptr], self.parse_align_tail(), ordering, scope, flags)

    def p_gep(self, op):
        flags = self.parse_flags(("inbounds", "nusw", "nuw"))
        inrange = self.parse_optional_inrange()
        src = self.parse_type()
        self.expect(",", "',' after the GEP source element type")
        ptr = self.parse_typed_value()
        ops = [ptr]
        cur = src
        vec = ptr.type if isinstance(ptr.type, VectorType) else None
        while self.k[self.i] == "," and self.k[self.i + 1] != "meta":
            self.i += 1
            idx_at = self.i
            idx = self.parse_typed_value()
            if isinstance(idx.type, VectorType):
                vec = idx.type
            if len(ops) > 1:
                if isinstance(cur, (StructType, IdentifiedStructType)) and \
                        not isinstance(idx, ConstantInt):
                    raise self.error("a struct index in getelementptr must be a constant "
                                     "integer", idx_at)
                try:
                    cur = element_type(cur, getattr(idx, "value", None))
                except (TypeError, IndexError):
                    raise self.error("invalid getelementptr indices", idx_at) from None
            ops.append(idx)
        base = ptr.type.scalar if isinstance(ptr.type, VectorType) else ptr.type
        rt = PointerType(cur if base.pointee is not None else None, base.addrspace)
        if vec is not None:
            rt = VectorType(vec.count, rt, vec.scalable)
        return I.GetElementPtr(rt, src, ops, flags, inrange)

    def p_extractelement(self, op):
        v = self.parse_typed_value()
        self.expect(",")
        idx = self.parse_typed_value()
        return I.ExtractElement(op, v.type.elem, [v, idx])

    def p_insertelement(self, op):
        v = self.parse_typed_value()
        self.expect(",")
        e = self.parse_typed_value()
        self.expect(",")
        idx = self.parse_typed_value()
        return I.InsertElement(op, v.type, [v, e, idx])

    def p_shufflevector(self, op):
        a = self.parse_typed_value()
        self.expect(",")
        b = self.parse_typed_value()
        self.expect(",")
        mask = self.parse_typed_value()
        rt = VectorType(mask.type.count, a.type.elem, mask.type.scalable)
        return I.ShuffleVector(op, rt, [a, b, mask])

    def parse_indices(self):
        idx = []
        while self.k[self.i] == "," and self.k[self.i + 1] == "int":
            self.i += 1
            idx.append(self.parse_int())
        if not idx:
            raise self.expected("index")
        return idx

    def p_extractvalue(self, op):
        v = self.parse_typed_value()
        at = self.i
        idx = self.parse_indices()
        t = v.type
        for n in idx:
            try:
                t = element_type(t, n)
            except (TypeError, IndexError):
                raise self.error(f"invalid extractvalue index {n} into '{type_str(t)}'",
                                 at) from None
        return I.ExtractValue(t, [v], idx)

    def p_insertvalue(self, op):
        v = self.parse_typed_value()
        self.expect(",")
        e = self.parse_typed_value()
        return I.InsertValue(v.type, [v, e], self.parse_indices())

    def p_atomicrmw(self, op):
        flags = self.parse_flags(("volatile",))
        if self.k[self.i] != "kw":
            raise self.expected("atomicrmw operation")
        operation = self.t[self.i]
        self.i += 1
        feature = ATOMICRMW_FEATURE.get(operation)
        if feature:
            self.m.syntax_seen.add(feature)
        ptr = self.parse_typed_value()
        self.expect(",")
        v = self.parse_typed_value()
        scope, ordering = self.parse_ordering_tail()
        return I.AtomicRMW(v.type, operation, [ptr, v], ordering, scope,
                           self.parse_align_tail(), flags)

    def p_cmpxchg(self, op):
        flags = self.parse_flags(("weak", "volatile"))
        ptr = self.parse_typed_value()
        self.expect(",")
        c = self.parse_typed_value()
        self.expect(",")
        n = self.parse_typed_value()
        scope, success = self.parse_ordering_tail()
        if not (self.k[self.i] == "kw" and self.t[self.i] in ORDERINGS):
            raise self.expected("failure ordering")
        failure = self.t[self.i]
        self.i += 1
        return I.CmpXchg(StructType([c.type, I1]), [ptr, c, n], success, failure, scope,
                         self.parse_align_tail(), flags)

    def p_fence(self, op):
        scope, ordering = self.parse_ordering_tail()
        return I.Fence(ordering, scope)

    def p_va_arg(self, op):
        v = self.parse_typed_value()
        self.expect(",")
        return I.VAArg("va_arg", self.parse_type(), [v])

    def p_landingpad(self, op):
        ty = self.parse_type()
        cleanup = self.eat_kw("cleanup")
        clauses = []
        while self.k[self.i] == "kw" and self.t[self.i] in ("catch", "filter"):
            kind = self.t[self.i]
            self.i += 1
            clauses.append((kind, self.parse_typed_constant()))
        return I.LandingPad(ty, cleanup, clauses)

    def p_pad(self, op):
        self.expect_kw("within")
        parent = self.parse_value(TOKEN)
        self.expect("[")
        args = [parent] + self.parse_list("]", self.parse_typed_value, f"the {op} arguments")
        return I.FuncletPad(op, TOKEN, args)

    # -------------------------------------------------------------- calls
    def p_call(self, op, tail=""):
        if op == "callbr":
            self.m.syntax_seen.add("callbr")
        flags = self.parse_flags(CALL_FLAGS)
        if self.k[self.i] == "kw" and self.t[self.i] in PLAIN_TYPE_WORDS:
            pre, ret_attrs = [], []  # what the two calls below return here, the common case
        else:
            pre = self.parse_pre_keywords()
            ret_attrs = self.parse_attrs()
        addrspace = None
        if self.t[self.i] == "addrspace" and self.k[self.i] == "kw":
            self.i += 1
            addrspace = int(self.raw_parens())
        ty = self.parse_type()
        callee_at = self.i
        explicit = isinstance(ty, FunctionType)
        fn_ty = ty if explicit else None
        if fn_ty is not None:
            callee_ty = PointerType(fn_ty)
        else:
            callee_ty = PointerType(None)
        if self.t[self.i] == "asm" and self.k[self.i] == "kw":
            callee = self.parse_inline_asm(callee_ty)
        else:
            callee = self.parse_value(callee_ty)
        self.expect("(", "'(' starting the call arguments")
        args, arg_attrs, written = [], [], []
        k = self.k
        if k[self.i] == ")":
            self.i += 1
        else:
            while True:
                at = self.parse_type()
                written.append(at)
                # most arguments have no attributes: skip the call then
                attrs = self.parse_attrs() if k[self.i] in ATTR_START else []
                if at is METADATA:
                    from .values import MetadataAsValue as MAV

                    args.append(MAV(self.parse_md()))
                else:
                    args.append(self.parse_value(at))
                arg_attrs.append(attrs)
                if k[self.i] == ")":
                    self.i += 1
                    break
                self.expect(",", "',' or ')' in the call arguments")
        if fn_ty is None:  # the types as written: a global defined later may be untyped yet
            fn_ty = FunctionType(ty, written, False)
        elif len(args) < len(fn_ty.params) or (len(args) > len(fn_ty.params)
                                                 and not fn_ty.vararg):
            raise self.error("wrong number of arguments for the called function type",
                             callee_at)
        if callee.__class__ is InlineAsm:
            callee.type = PointerType(fn_ty)
        inst = I.Call(op, fn_ty.ret, fn_ty, callee, args, arg_attrs, flags)
        inst.explicit_type = explicit
        inst.tail = tail
        inst.cconv = pre
        inst.ret_attrs = ret_attrs
        inst.addrspace = addrspace
        inst.fn_attrs = self.parse_attrs(stop=STOP_AT_TO)
        if self.k[self.i] == "[":
            inst.bundles = self.parse_bundles()
        if op == "invoke":
            self.expect_kw("to")
            inst.normal = self.parse_label_ref()
            self.expect_kw("unwind")
            inst.unwind = self.parse_label_ref()
        elif op == "callbr":
            self.expect_kw("to")
            inst.normal = self.parse_label_ref()
            self.expect("[")
            inst.indirect = self.parse_list("]", self.parse_label_ref, "the callbr targets")
        return inst

    def parse_bundles(self):
        self.expect("[")
        bundles = []
        while True:
            tag = self.parse_string("operand bundle tag")
            self.expect("(")
            bundles.append((tag, self.parse_list(")", self.parse_typed_value,
                                                 "the operand bundle")))
            if self.eat("]"):
                return bundles
            self.expect(",")

    def p_tail(self, op):
        self.expect_kw("call", )
        return self.p_call("call", op)

    # -------------------------------------------------------------- terminators
    def p_ret(self, op):
        at = self.i
        want = self.fn.value_type.ret if self.fn.value_type is not None else None
        if self.is_kw("void") and self.k[self.i + 1] != "(":  # not `void (...)*`
            self.i += 1
            if want is not None and want is not VOID:
                raise self.error(f"value doesn't match function result type "
                                 f"'{type_str(want)}'", at)
            return I.Ret([])
        ty = self.parse_type()
        if want is not None and not compatible(ty, want):
            raise self.error(f"value doesn't match function result type '{type_str(want)}'",
                             at)
        return I.Ret([self.parse_value(ty)])

    def p_br(self, op):
        if self.is_kw("label"):
            return I.Br([], [self.parse_label_ref()])
        cond = self.parse_typed_value()
        if not (isinstance(cond.type, IntType) and cond.type.bits == 1):
            raise self.error("branch condition must have type i1")
        self.expect(",")
        a = self.parse_label_ref()
        self.expect(",")
        b = self.parse_label_ref()
        return I.Br([cond], [a, b])

    def p_switch(self, op):
        cond = self.parse_typed_value()
        self.expect(",")
        default = self.parse_label_ref()
        self.expect("[", "'[' starting the switch cases")
        cases = []
        while not self.eat("]"):
            c = self.parse_typed_constant()
            self.expect(",")
            cases.append((c, self.parse_label_ref()))
        return I.Switch([cond], default, cases)

    def p_indirectbr(self, op):
        addr = self.parse_typed_value()
        self.expect(",")
        self.expect("[")
        return I.IndirectBr([addr], self.parse_list("]", self.parse_label_ref,
                                                   "the indirectbr destinations"))

    def p_resume(self, op):
        return I.Resume("resume", VOID, [self.parse_typed_value()])

    def p_unreachable(self, op):
        return I.Unreachable("unreachable", VOID, [])

    def p_catchswitch(self, op):
        self.expect_kw("within")
        parent = self.parse_value(TOKEN)
        self.expect("[")
        handlers = []
        while True:
            handlers.append(self.parse_label_ref())
            if self.eat("]"):
                break
            self.expect(",")
        self.expect_kw("unwind")
        unwind = None
        if self.eat_kw("to"):
            self.expect_kw("caller")
        else:
            unwind = self.parse_label_ref()
        return I.CatchSwitch(TOKEN, [parent], handlers, unwind)

    def p_catchret(self, op):
        self.expect_kw("from")
        pad = self.parse_value(TOKEN)
        self.expect_kw("to")
        return I.CatchRet([pad], self.parse_label_ref())

    def p_cleanupret(self, op):
        self.expect_kw("from")
        pad = self.parse_value(TOKEN)
        self.expect_kw("unwind")
        unwind = None
        if self.eat_kw("to"):
            self.expect_kw("caller")
        else:
            unwind = self.parse_label_ref()
        return I.CleanupRet([pad], unwind)

    # -------------------------------------------------------------- debug records
    def parse_debug_record(self):
        at = self.i
        kind = self.t[self.i][5:]
        self.i += 1
        self.expect("(")
        args = self.parse_list(")", self.parse_md_operand, "the debug record")
        want = DEBUG_RECORD_OPERANDS.get(kind)
        if want is None:
            raise self.error(f"unknown debug record '#dbg_{kind}'", at)
        if len(args) != want:
            raise self.error(f"'#dbg_{kind}' takes {want} operands, not {len(args)}", at)
        return I.DebugRecord(kind, args)


_DISPATCH = {}
for _op in ("add", "sub", "mul", "udiv", "sdiv", "urem", "srem", "shl", "lshr", "ashr", "and",
            "or", "xor", "fadd", "fsub", "fmul", "fdiv", "frem"):
    _DISPATCH[_op] = BodyParser.p_binary
for _op in I.CASTS:
    _DISPATCH[_op] = BodyParser.p_cast
_DISPATCH.update({
    "fneg": BodyParser.p_fneg, "icmp": BodyParser.p_cmp, "fcmp": BodyParser.p_cmp,
    "select": BodyParser.p_select, "phi": BodyParser.p_phi, "freeze": BodyParser.p_freeze,
    "alloca": BodyParser.p_alloca, "load": BodyParser.p_load, "store": BodyParser.p_store,
    "getelementptr": BodyParser.p_gep, "extractelement": BodyParser.p_extractelement,
    "insertelement": BodyParser.p_insertelement, "shufflevector": BodyParser.p_shufflevector,
    "extractvalue": BodyParser.p_extractvalue, "insertvalue": BodyParser.p_insertvalue,
    "atomicrmw": BodyParser.p_atomicrmw, "cmpxchg": BodyParser.p_cmpxchg,
    "fence": BodyParser.p_fence, "va_arg": BodyParser.p_va_arg,
    "landingpad": BodyParser.p_landingpad, "catchpad": BodyParser.p_pad,
    "cleanuppad": BodyParser.p_pad, "call": BodyParser.p_call, "invoke": BodyParser.p_call,
    "callbr": BodyParser.p_call, "tail": BodyParser.p_tail, "musttail": BodyParser.p_tail,
    "notail": BodyParser.p_tail, "ret": BodyParser.p_ret, "br": BodyParser.p_br,
    "switch": BodyParser.p_switch, "indirectbr": BodyParser.p_indirectbr,
    "resume": BodyParser.p_resume, "unreachable": BodyParser.p_unreachable,
    "catchswitch": BodyParser.p_catchswitch, "catchret": BodyParser.p_catchret,
    "cleanupret": BodyParser.p_cleanupret,
})
