"""Real code (Lua 5.4, LZ4; see realcode.py) through parse -> to_text(release=T) -> LLVM T.

For each module (clang N, opt level, file) and each target T: ``llvm-as-T`` must accept our
output and ``opt-T -passes=verify`` must pass; when T == N, ``llvm-dis-N`` of our output
must equal ``llvm-dis-N`` of the input (same-release round trip).

The default run takes a deterministic subset: one file per clang x opt level, all targets.
The full product (444 modules x 6 targets) runs with ``pytest -m realcode_full``;
``python tools/realcode_report.py`` runs it too and prints an acceptance table.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
import realcode

# One file per (clang, opt level), in the order of realcode.RELEASES x OPT_LEVELS: the
# interpreter loop (computed goto), the compressors' hot loops, the GC, string library, ...
SUBSET = ["lua54/lvm", "lz4/lz4", "lua54/lgc", "lz4/xxhash", "lua54/lstrlib", "lz4/lz4hc",
          "lua54/ltable", "lua54/lparser", "lua54/lcode", "lz4/lz4frame", "lua54/lobject",
          "lua54/lmathlib"]


def _subset() -> list[realcode.Module]:
    combos = [(n, o) for n in realcode.RELEASES for o in realcode.OPT_LEVELS]
    mods = []
    for (n, o), name in zip(combos, SUBSET):
        source, stem = name.split("/")
        cfile = realcode.corpus_dir() / "src" / source / f"{stem}.c"
        mods.append(realcode.Module(n, o, source, cfile))
    return mods


def pytest_generate_tests(metafunc):
    if "realcode_case" not in metafunc.fixturenames:
        return
    full = "realcode_full" in (metafunc.config.getoption("markexpr") or "")
    full = full or os.environ.get("ENZYME_COMPAT_REALCODE_FULL") == "1"
    marks = [pytest.mark.realcode] + ([pytest.mark.realcode_full] if full else [])
    try:
        mods = realcode.all_modules(realcode.RELEASES) if full else _subset()
    except realcode.Unavailable as why:
        skip = pytest.mark.skip(reason=f"real-code corpus unavailable: {why}")
        metafunc.parametrize("realcode_case", [pytest.param(None, marks=marks + [skip], id="corpus")])
        return
    params = [pytest.param((m, t), marks=marks, id=f"{m.id}-to{t}")
              for m in mods for t in realcode.RELEASES]
    metafunc.parametrize("realcode_case", params)


@functools.lru_cache(maxsize=2)  # cases are ordered module by module: parse each once
def _parsed(path: Path):
    return realcode.parse_file(path)


def test_convert_real_code(realcode_case):
    pytest.importorskip("enzyme_compat")
    mod, target = realcode_case
    if not mod.path.exists() and realcode.tool("clang", mod.clang) is None:
        pytest.skip(f"clang-{mod.clang} is not installed (apt-get install clang-{mod.clang})")
    for name in ("llvm-as", "opt", "llvm-dis"):
        if realcode.tool(name, target) is None:
            pytest.skip(f"{name}-{target} is not installed (apt-get install llvm-{target})")
    try:
        path = realcode.compile_module(mod)
    except realcode.Unavailable as why:
        pytest.skip(str(why))
    parsed, failed = _parsed(path)
    outcome = failed or realcode.check_conversion(parsed, mod, target)
    assert outcome.ok, f"{outcome.stage} failed for {path}:\n{outcome.message[:4000]}"
