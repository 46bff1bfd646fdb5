"""mem2reg (enzyme_compat.ir.mem2reg): allocas promoted to SSA values on real clang -O0
output (typed pointers from clang 14, opaque from clang 22, with and without -g), checked
by the real LLVM verifier, by the allocas that must stay, and by running the programs;
every function of tests/ad_forward/*.c and of the bundled examples promoted, verified and
differentiated; handwritten IR for the corner cases (edges, unreachable code, what must
not be promoted); detached clones and the memoised `prepared` hook."""

from __future__ import annotations

import concurrent.futures
import os
import pathlib
import re
import shutil
import subprocess

import pytest

from enzyme_compat.ir import instructions as I
from enzyme_compat.ir.mem2reg import clone_function, prepared, promotable, promote_allocas
from enzyme_compat.ir.parser import parse
from enzyme_compat.ir.values import Undef

HERE = pathlib.Path(__file__).parent
LOCALS = HERE / "mem2reg" / "locals.c"
EXAMPLES = HERE.parent / "enzyme_compat" / "examples"
CLANGS = (14, 22)  # typed pointers, opaque pointers and debug records
O0 = ["-O0", "-Xclang", "-disable-O0-optnone"]
POOL = concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2))


# ----------------------------------------------------------------- helpers
def _tool(name):
    exe = shutil.which(name)
    if exe is None:
        pytest.skip(f"{name} is not installed")
    return exe


def _run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


def _emit(clang, src, *flags) -> str:
    r = _run([_tool(f"clang-{clang}"), "-S", "-emit-llvm", *flags, f"-I{src.parent}", str(src),
              "-o", "-"])
    assert r.returncode == 0, r.stderr
    return r.stdout


def _verify(release, text):
    """The real LLVM `release` accepts `text` (llvm-as-N, else enzyme_compat.toolchains)."""
    exe = shutil.which(f"llvm-as-{release}")
    if exe is not None:
        r = _run([exe, "-", "-o", os.devnull], input=text)
        assert r.returncode == 0, r.stderr
        return
    from enzyme_compat import toolchains

    try:
        res = toolchains.get(release).verify(text)
    except toolchains.ToolchainMissing as e:
        pytest.skip(str(e))
    assert res.ok, res.message


def _count(fn, cls):
    return sum(isinstance(i, cls) for b in fn.blocks for i in b.instructions)


def _defined(module):
    return [f for f in module.functions if not f.is_declaration]


def _promote_module(module) -> dict:
    """Clone and promote every defined function and put the copies in the module's place;
    returns name -> (promoted, allocas left)."""
    out = {}
    for j, f in enumerate(module.functions):
        if f.is_declaration:
            continue
        c = clone_function(f)
        n = promote_allocas(c)
        out[f.name] = (n, _count(c, I.Alloca))
        module.functions[j] = c
        module.symbols[f.name] = c
    return out


def _build_and_run(clang, ll_text, tmp, tag, extra=()):
    ll = tmp / f"{tag}.ll"
    exe = tmp / tag
    ll.write_text(ll_text)
    r = _run([_tool(f"clang-{clang}"), "-O0", str(ll), *map(str, extra), "-lm", "-o", str(exe)])
    assert r.returncode == 0, r.stderr
    r = _run([str(exe)])
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def _expected_keep() -> dict:
    """name -> allocas that must stay, from the `/* KEEP: n ... */` comment before each
    function of locals.c."""
    found = re.findall(r"^/\* KEEP: (\d+)[^\n]*\*/\n[^\n(]*?(\w+)\(", LOCALS.read_text(), re.M)
    return {name: int(n) for n, name in found}


# ----------------------------------------------------------------- clang -O0 programs
@pytest.mark.parametrize("debug", [False, True], ids=["nodebug", "g"])
@pytest.mark.parametrize("clang", CLANGS)
def test_locals_program(clang, debug, tmp_path):
    flags = O0 + (["-g"] if debug else [])
    text = _emit(clang, LOCALS, *flags)
    module = parse(text, "locals.ll")
    before = {f.name: _count(f, I.Alloca) for f in _defined(module)}
    keep = _expected_keep()
    assert set(keep) == set(before)
    original_out = POOL.submit(_build_and_run, clang, text, tmp_path, "orig")

    stats = _promote_module(module)
    promoted = module.to_text(release=clang)
    _verify(clang, promoted)
    for name, (n, left) in stats.items():
        assert left == keep[name], name
        assert n == before[name] - keep[name], name
    fns = {f.name: f for f in _defined(module)}
    assert _count(fns["loop_sum"], I.Phi) >= 2 and _count(fns["loop_sum"], I.Load) == 0
    assert _count(fns["with_goto"], I.Phi) >= 2
    assert any(isinstance(v, Undef) for b in fns["maybe_uninit"].blocks for i in b.instructions
               if isinstance(i, I.Phi) for v in i.ops)
    if debug:  # dbg.declare / #dbg_declare of promoted variables are gone, the others stay
        assert "llvm.dbg.declare" in text or "#dbg_declare" in text
        assert not any(isinstance(i, (I.DebugRecord, I.Call)) and "declare" in
                       (getattr(i, "kind", "") or getattr(i, "callee_name", "") or "")
                       for b in fns["loop_sum"].blocks for i in b.instructions)
    assert _build_and_run(clang, promoted, tmp_path, "promoted") == original_out.result()


@pytest.mark.parametrize("clang", CLANGS)
def test_clone_is_detached(clang):
    module = parse(_emit(clang, LOCALS, *O0), "locals.ll")
    reference = module.to_text(release=clang)
    originals = list(module.functions)
    clones = []
    for f in _defined(module):
        c = clone_function(f)
        assert c.name == f.name and c is not f and c not in module.functions
        assert clone_function(f, "renamed").name == "renamed"
        old = {id(x) for b in f.blocks for x in [b, *b.instructions]} | {id(a) for a in f.args}
        assert not any(id(x) in old for b in c.blocks for x in [b, *b.instructions])
        assert all(a.function is c for a in c.args)
        for b in c.blocks:
            for i in b.instructions:
                assert i.parent is b
                assert not any(id(v) in old for v in I.value_operands(i))
                assert all(p in c.blocks for p in getattr(i, "blocks", ()))
                assert all(s in c.blocks for s in i.successors())
        clones.append(c)
    # an unmodified copy prints as the original
    module.functions = [clones.pop(0) if not f.is_declaration else f for f in originals]
    assert module.to_text(release=clang) == reference
    # promoting copies leaves the user's functions alone
    module.functions = originals
    for f in _defined(module):
        promote_allocas(clone_function(f))
    assert module.to_text(release=clang) == reference


def _ad_forward_case(clang, src):
    m = re.search(r"CFLAGS:\s*(.*?)\s*\*/", src.read_text())
    return _emit(clang, src, *O0, *(m.group(1).split() if m else []))


def _verify_and_run(clang, promoted, differentiated, name, tmp):
    _verify(clang, promoted)
    ll = tmp / f"{name}.ad.ll"
    ll.write_text(differentiated)
    lli = shutil.which(f"lli-{clang}")
    if lli is not None:
        r = _run([lli, str(ll)])
    else:
        exe = tmp / name
        r = _run([_tool(f"clang-{clang}"), str(ll), "-lm", "-o", str(exe)])
        assert r.returncode == 0, r.stderr
        r = _run([str(exe)])
    return name, r.returncode, r.stdout + r.stderr


@pytest.mark.parametrize("clang", CLANGS)
def test_ad_forward_programs(clang, tmp_path):
    """Every function of every tests/ad_forward program at -O0: promoted, the module
    verified, then differentiated and run (each program checks its own derivatives)."""
    from enzyme_compat.ad import differentiate_module

    sources = sorted((HERE / "ad_forward").glob("*.c"))
    texts = POOL.map(lambda s: _ad_forward_case(clang, s), sources)
    jobs, totals = [], [0, 0, 0, 0]
    for src, text in zip(sources, texts):
        module = parse(text, src.name)
        totals[0] += sum(_count(f, I.Alloca) for f in _defined(module))
        stats = _promote_module(module)
        totals[1] += sum(n for n, _ in stats.values())
        loads = sum(_count(f, I.Load) for f in _defined(module))
        promoted = module.to_text(release=clang)
        ad_module = parse(promoted, src.name)
        differentiate_module(ad_module, release=clang)
        totals[2 if loads else 3] += 1
        jobs.append(POOL.submit(_verify_and_run, clang, promoted, ad_module.to_text(release=clang),
                                src.stem, tmp_path))
    for job in jobs:
        name, rc, out = job.result()
        assert rc == 0 and "FAIL" not in out, f"{name}: {out}"
    assert totals[1] > 0.85 * totals[0]  # most -O0 locals are scalars


def _harness(tmp):
    c = tmp / "harness.c"
    c.write_text('#include <stdio.h>\n'
                 'double dot(const double *, const double *, int);\n'
                 'double norm(const double *, int);\n'
                 'int main(void) {\n'
                 '  double x[3] = {1, 2, 3}, y[3] = {4, -5, 6.5};\n'
                 '  printf("%.17g %.17g\\n", dot(x, y, 3), norm(y, 3));\n'
                 '  return 0;\n}\n')
    return c


@pytest.mark.parametrize("kind", ["ll", "O0"])
@pytest.mark.parametrize("example", ["dot", "norm_fwd"])
def test_examples(example, kind, tmp_path):
    """The bundled examples (their -O2 .ll and their C at -O0): promoted, verified, and
    computing what the original computes (differentiated when the program asks for it)."""
    from enzyme_compat.ad import differentiate_module

    if kind == "ll":
        text = (EXAMPLES / f"{example}.ll").read_text()
    else:
        text = _emit(22, EXAMPLES / f"{example}.c", *O0)
    module = parse(text, f"{example}.ll")
    _promote_module(module)
    promoted = module.to_text(release=22)
    _verify(22, promoted)
    outs = []
    for tag, t in (("orig", text), ("promoted", promoted)):
        m = parse(t, f"{example}.ll")
        differentiate_module(m, release=22)
        extra = [_harness(tmp_path)] if example == "dot" else []
        outs.append(_build_and_run(22, m.to_text(release=22), tmp_path, tag, extra))
    assert outs[0] == outs[1] and outs[0]


# ----------------------------------------------------------------- handwritten IR
EDGES = """
define i32 @edges(i32 %k, i1 %c) {
entry:
  %x = alloca i32, align 4
  store i32 1, ptr %x, align 4
  br i1 %c, label %sw, label %other

sw:
  switch i32 %k, label %def [
    i32 1, label %join
    i32 2, label %join
  ]

def:
  store i32 5, ptr %x, align 4
  br i1 %c, label %join, label %join

other:
  store i32 7, ptr %x, align 4
  br label %join

dead:
  %d = load i32, ptr %x, align 4
  %d2 = add i32 %d, 1
  store i32 %d2, ptr %x, align 4
  %d3 = load i32, ptr %x, align 4
  %d4 = mul i32 %d3, 2
  br label %join

join:
  %r = load i32, ptr %x, align 4
  ret i32 %r
}
"""


def test_one_phi_entry_per_edge_and_unreachable_preds():
    module = parse(EDGES, "edges.ll")
    fn = module.functions[0]
    assert promote_allocas(fn) == 1
    assert _count(fn, I.Alloca) == _count(fn, I.Load) == _count(fn, I.Store) == 0
    blocks = {b.name: b for b in fn.blocks}
    phi = blocks["join"].instructions[0]
    assert isinstance(phi, I.Phi)
    incoming = sorted((b.name, getattr(v, "value", "undef")) for v, b in zip(phi.ops, phi.blocks))
    assert incoming == [("dead", "undef"), ("def", 5), ("def", 5), ("other", 7), ("sw", 1), ("sw", 1)]
    dead = blocks["dead"].instructions
    assert isinstance(dead[0].ops[0], Undef)  # %d2 = add undef, 1
    assert dead[1].ops[0] is dead[0]  # %d4 = mul %d2, 2: the value stored before
    assert isinstance(blocks["join"].instructions[1], I.Ret) and \
        blocks["join"].instructions[1].ops[0] is phi
    _verify(22, module.to_text(release=22))


NOT_PROMOTABLE = """
define void @g(ptr %out, i1 %c) {
entry:
  %vol = alloca i32, align 4
  %vol2 = alloca i32, align 4
  %atom = alloca i32, align 4
  %gep = alloca i32, align 4
  %esc = alloca ptr, align 8
  %esc2 = alloca i32, align 4
  %pun = alloca float, align 4
  %two = alloca i32, i32 2, align 4
  %agg = alloca { i32, i32 }, align 4
  %arr = alloca [2 x i32], align 4
  %call = alloca i32, align 4
  %ok = alloca i32, i32 1, align 4
  %never = alloca double, align 8
  store volatile i32 1, ptr %vol, align 4
  %vl = load volatile i32, ptr %vol2, align 4
  %a = load atomic i32, ptr %atom acquire, align 4
  %p = getelementptr i32, ptr %gep, i64 0
  store ptr %esc2, ptr %esc, align 8
  store float 1.0, ptr %pun, align 4
  %b = load i32, ptr %pun, align 4
  store i32 0, ptr %two, align 4
  store { i32, i32 } zeroinitializer, ptr %agg, align 4
  %ae = load [2 x i32], ptr %arr, align 4
  call void @use(ptr %call)
  store i32 3, ptr %ok, align 4
  %o = load i32, ptr %ok, align 4
  store i32 %o, ptr %out, align 4
  br label %next

next:
  %late = alloca i32, align 4
  store i32 1, ptr %late, align 4
  %l = load i32, ptr %late, align 4
  ret void
}

declare void @use(ptr)
"""


def test_what_is_not_promoted():
    module = parse(NOT_PROMOTABLE, "g.ll")
    fn = module.functions[0]
    allocas = {i.name: i for b in fn.blocks for i in b.instructions if isinstance(i, I.Alloca)}
    can = {name for name, a in allocas.items() if promotable(a)}
    assert can == {"esc", "ok", "never"}
    # once %esc is gone, nothing uses %esc2: a second round promotes it
    assert promote_allocas(fn) == 4
    left = {i.name for b in fn.blocks for i in b.instructions if isinstance(i, I.Alloca)}
    assert left == set(allocas) - can - {"esc2"}
    store_out = [i for b in fn.blocks for i in b.instructions
                 if isinstance(i, I.Store) and i.ops[1] is fn.args[0]]
    assert store_out[0].ops[0].value == 3
    _verify(22, module.to_text(release=22))
    assert not promotable(fn.args[0]) and promote_allocas(fn) == 0


TYPED = """
define i32 @h(i1 %c) {
entry:
  %x = alloca i32, align 4
  %y = alloca i32, align 4
  %q = alloca i32*, align 8
  %cx = bitcast i32* %x to i8*
  call void @llvm.lifetime.start.p0i8(i64 4, i8* %cx)
  store i32 1, i32* %x, align 4
  store i32 2, i32* %y, align 4
  store i32* %x, i32** %q, align 8
  br i1 %c, label %a, label %b

a:
  store i32 20, i32* %y, align 4
  br label %b

b:
  %p = load i32*, i32** %q, align 8
  %v = load i32, i32* %p, align 4
  %w = load i32, i32* %y, align 4
  %s = add i32 %v, %w
  call void @llvm.lifetime.end.p0i8(i64 4, i8* %cx)
  ret i32 %s
}

declare void @llvm.lifetime.start.p0i8(i64, i8*)
declare void @llvm.lifetime.end.p0i8(i64, i8*)
"""


def test_typed_pointers_bitcast_use_keeps_the_alloca():
    module = parse(TYPED, "h.ll")
    fn = module.functions[0]
    allocas = {i.name: i for i in fn.blocks[0].instructions if isinstance(i, I.Alloca)}
    assert [n for n, a in allocas.items() if promotable(a)] == ["y", "q"]
    assert promote_allocas(fn) == 2
    text = module.to_text(release=14)
    assert "%x = alloca i32" in text and "phi i32 [ 2, %entry ], [ 20, %a ]" in text
    assert "load i32, i32* %x" in text  # %p became %x itself
    _verify(14, text)


DEBUG_USES = """
!1 = !{}
!2 = !{}

define i32 @d(i32 %n) {
entry:
  %x = alloca i32, align 4
  call void @llvm.lifetime.start.p0(i64 4, ptr %x)
  call void @llvm.dbg.declare(metadata ptr %x, metadata !1, metadata !DIExpression())
    #dbg_declare(ptr %x, !1, !DIExpression(), !2)
  store i32 %n, ptr %x, align 4
  %v = load i32, ptr %x, align 4
    #dbg_value(i32 %v, !1, !DIExpression(), !2)
  call void @llvm.dbg.value(metadata i32 %v, metadata !1, metadata !DIExpression())
  call void @llvm.lifetime.end.p0(i64 4, ptr %x)
  ret i32 %v
}

declare void @llvm.lifetime.start.p0(i64, ptr)
declare void @llvm.lifetime.end.p0(i64, ptr)
declare void @llvm.dbg.declare(metadata, metadata, metadata)
declare void @llvm.dbg.value(metadata, metadata, metadata)
"""


def test_lifetime_and_debug_uses_are_dropped():
    module = parse(DEBUG_USES, "d.ll")
    fn = module.functions[0]
    assert promotable(fn.blocks[0].instructions[0])
    assert promote_allocas(fn) == 1
    kinds = [(type(i).__name__, getattr(i, "callee_name", None) or getattr(i, "kind", None))
             for i in fn.blocks[0].instructions]
    assert kinds == [("DebugRecord", "value"), ("Call", "llvm.dbg.value"), ("Ret", None)]
    rec, call, ret = fn.blocks[0].instructions
    assert ret.ops[0] is fn.args[0]
    assert rec.args[0].value is fn.args[0] and call.ops[0].md.value is fn.args[0]


PRUNING = """
define i32 @prune(i1 %c, i32 %n) {
entry:
  %x = alloca i32, align 4
  %k = alloca i32, align 4
  %i = alloca i32, align 4
  %u = alloca i32, align 4
  %first = load i32, ptr %u, align 4
  store i32 %n, ptr %k, align 4
  store i32 0, ptr %i, align 4
  br i1 %c, label %a, label %b

a:
  store i32 1, ptr %x, align 4
  br label %j

b:
  store i32 2, ptr %x, align 4
  br label %j

j:
  store i32 4, ptr %x, align 4
  br label %loop

loop:
  %iv = load i32, ptr %i, align 4
  %kv = load i32, ptr %k, align 4
  %next = add i32 %iv, %kv
  store i32 %next, ptr %i, align 4
  %done = icmp sgt i32 %next, 100
  br i1 %done, label %exit, label %loop

exit:
  %v = load i32, ptr %x, align 4
  %r = add i32 %v, %next
  %r2 = add i32 %r, %first
  ret i32 %r2
}
"""


def test_phis_only_where_live_and_needed():
    module = parse(PRUNING, "p.ll")
    fn = module.functions[0]
    assert promote_allocas(fn) == 4
    blocks = {b.name: b for b in fn.blocks}
    assert _count(fn, I.Phi) == 1  # %i in the loop header; %x is dead at %j, %k loop-invariant
    phi = blocks["loop"].instructions[0]
    assert isinstance(phi, I.Phi) and phi.name == "i.0"
    add = blocks["loop"].instructions[1]
    assert add.ops[0] is phi and add.ops[1] is fn.args[1]
    r, r2 = blocks["exit"].instructions[:2]
    assert r.ops[0].value == 4 and isinstance(r2.ops[1], Undef)  # read before any store
    _verify(22, module.to_text(release=22))


# ----------------------------------------------------------------- the hook
def test_prepared_is_a_memoised_promoted_copy():
    module = parse(PRUNING, "p.ll")
    fn = module.functions[0]
    reference = module.to_text()
    p = prepared(module, fn)
    assert p is prepared(module, fn) and p is not fn and p.name == fn.name
    assert p not in module.functions and module.get_function("prune") is fn
    assert _count(p, I.Alloca) == 0 and _count(fn, I.Alloca) == 4
    assert module.to_text() == reference
    assert "_mem2reg_prepared" in module.__dict__
    other = parse(PRUNING, "p.ll")
    assert prepared(other, other.functions[0]) is not p
    # a changed function gets a new copy
    fn.blocks[0].instructions.insert(0, I.Alloca(fn.blocks[0].instructions[0].type,
                                                 fn.blocks[0].instructions[0].allocated_type, []))
    q = prepared(module, fn)
    assert q is not p and _count(q, I.Alloca) == 0


# ----------------------------------------------------------------- random control flow
def _random_function(rng, name):
    """An -O0-like function: `nvars` i32 locals, random blocks reading and writing them
    with branches, conditional branches and switches to random blocks (repeated targets,
    blocks nothing reaches, loops); every block spends one unit of @fuel so it ends."""
    nvars, nblocks = rng.randint(1, 5), rng.randint(2, 9)
    lines = [f"define i32 @{name}(i32 %a, i32 %b) {{", "entry:"]
    w = lines.append
    w("\n".join(f"  %v{v} = alloca i32, align 4" for v in range(nvars)))
    for v in range(nvars):
        w(f"  store i32 {rng.choice(['%a', '%b', str(rng.randint(-5, 9))])}, ptr %v{v}, align 4")
    w(f"  br label %b{rng.randrange(nblocks)}")
    counter = iter(range(1, 1 << 30))
    targets = [f"b{j}" for j in range(nblocks)] + ["exit"]
    for k in range(nblocks):
        f, f1, d = (f"%t{next(counter)}" for _ in range(3))
        w(f"b{k}:\n  {f} = load i32, ptr @fuel, align 4\n  {f1} = sub i32 {f}, 1\n"
          f"  store i32 {f1}, ptr @fuel, align 4\n  {d} = icmp slt i32 {f1}, 0\n"
          f"  br i1 {d}, label %exit, label %b{k}.body\nb{k}.body:")
        vals = ["%a", "%b"]
        for _ in range(rng.randint(0, 6)):
            r, x = rng.random(), f"%t{next(counter)}"
            if r < 0.4:
                w(f"  {x} = load i32, ptr %v{rng.randrange(nvars)}, align 4")
                vals.append(x)
            elif r < 0.7:
                op = rng.choice(["add", "mul", "xor", "sub"])
                w(f"  {x} = {op} i32 {rng.choice(vals)}, {rng.choice(vals + [str(rng.randint(1, 9))])}")
                vals.append(x)
            else:
                w(f"  store i32 {rng.choice(vals + ['7'])}, ptr %v{rng.randrange(nvars)}, align 4")
        x, c = f"%t{next(counter)}", f"%t{next(counter)}"
        r = rng.random()
        if r < 0.3:
            w(f"  br label %{rng.choice(targets)}")
        elif r < 0.65:
            w(f"  {x} = and i32 {rng.choice(vals)}, 1\n  {c} = icmp eq i32 {x}, 0\n"
              f"  br i1 {c}, label %{rng.choice(targets)}, label %{rng.choice(targets)}")
        else:
            cases = " ".join(f"i32 {n}, label %{rng.choice(targets)}" for n in range(rng.randint(1, 3)))
            w(f"  {x} = and i32 {rng.choice(vals)}, 3\n"
              f"  switch i32 {x}, label %{rng.choice(targets)} [ {cases} ]")
    w("exit:")
    acc = "%b"
    for v in range(nvars):
        x, y, z = (f"%t{next(counter)}" for _ in range(3))
        w(f"  {x} = load i32, ptr %v{v}, align 4\n  {y} = mul i32 {acc}, 31\n  {z} = add i32 {y}, {x}")
        acc = z
    w(f"  ret i32 {acc}\n}}")
    return "\n".join(lines)


def _random_module(seed, count):
    import random

    rng = random.Random(seed)
    body = [_random_function(rng, f"f{n}") for n in range(count)]
    main = ["define i32 @main() {", "entry:"]
    for n in range(count):
        for a, b in ((0, 1), (3, -2), (7, 5)):
            main.append(f"  store i32 40, ptr @fuel, align 4\n  %r{n}.{a} = call i32 @f{n}(i32 {a}, i32 {b})\n"
                        f"  call i32 (ptr, ...) @printf(ptr @fmt, i32 {n}, i32 %r{n}.{a})")
    main.append("  ret i32 0\n}")
    return ('@fuel = global i32 0, align 4\n@fmt = private constant [7 x i8] c"%d %d\\0A\\00", align 1\n'
            'declare i32 @printf(ptr, ...)\n' + "\n".join(body) + "\n" + "\n".join(main) + "\n")


@pytest.mark.parametrize("release", CLANGS)
def test_random_control_flow(release):
    """Random CFGs (switches with repeated targets, unreachable blocks feeding phis,
    irreducible loops): every local promoted, same output under the real LLVM's lli."""
    lli = _tool(f"lli-{release}")
    text = _random_module(release, 30)
    module = parse(text, "random.ll")
    original = POOL.submit(_run, [lli, "-"], input=module.to_text(release=release))
    stats = _promote_module(module)
    assert all(left == 0 for _, left in stats.values())
    phis = [i for f in _defined(module) for b in f.blocks for i in b.instructions if isinstance(i, I.Phi)]
    assert any(len(set(map(id, p.blocks))) < len(p.blocks) for p in phis)  # repeated edges
    assert any(isinstance(v, Undef) for p in phis for v in p.ops)  # from unreachable blocks
    promoted = module.to_text(release=release)
    r = _run([lli, "-"], input=promoted)
    assert r.returncode == 0, r.stderr
    assert original.result().returncode == 0 and r.stdout == original.result().stdout
    assert r.stdout.count("\n") == 90
