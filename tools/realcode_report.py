"""Acceptance table of the real-code corpus: every module (clang N x opt level x file) is
parsed, printed for every target release T and checked by LLVM T (llvm-as, opt -passes=verify,
and the llvm-dis round trip when T == N) -- the same check as tests/test_realcode_convert.py.

    python tools/realcode_report.py [--jobs 2] [--clang 15 ...] [--target 22 ...] [--failures FILE]

Prints rows "source clang x opt" by columns "target", each cell accepted/total, then the
failures grouped by stage and first LLVM message; --failures writes every failure in full.
Exit status 0 when everything was accepted, 1 otherwise.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import realcode  # noqa: E402


def signature(outcome: realcode.Outcome) -> str:
    """A short, position-free summary of a failure, for grouping."""
    lines = [ln.strip() for ln in outcome.message.splitlines() if ln.strip()]
    if lines and "does not verify" in lines[0] and len(lines) > 1:
        lines = lines[1:]
    if outcome.stage == "roundtrip":  # first changed line of the diff
        lines = [ln for ln in lines if ln.startswith(("-", "+")) and not ln.startswith(("---", "+++"))]
    line = lines[0] if lines else "(no message)"
    line = re.sub(r"^\S*(llvm-as|opt|llvm-dis)(-\d+)?: ", "", line)
    line = re.sub(r"^\S+:\d+:\d+: ", "", line)
    line = re.sub(r"%\d+\b", "%N", line)
    return f"{outcome.stage}: {line[:160]}"


def _work(args):
    mod, targets = args
    start = time.perf_counter()
    return mod, realcode.check_module(mod, targets), time.perf_counter() - start


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--clang", type=int, action="append", help="source clang release(s)")
    ap.add_argument("--target", type=int, action="append", help="target release(s)")
    ap.add_argument("--failures", type=Path, help="write every failure with its LLVM message here")
    opts = ap.parse_args(argv)

    start = time.perf_counter()
    try:
        realcode.build(opts.jobs)
        mods = realcode.all_modules(opts.clang or realcode.installed_clangs())
    except realcode.Unavailable as why:
        print(f"real-code corpus unavailable: {why}", file=sys.stderr)
        return 2
    targets = opts.target or [t for t in realcode.RELEASES if realcode.tool("llvm-as", t)]
    built = time.perf_counter() - start

    results = {}
    with ProcessPoolExecutor(opts.jobs) as pool:
        for mod, outcomes, _ in pool.map(_work, [(m, targets) for m in mods]):
            results[mod] = outcomes
    seconds = time.perf_counter() - start - built

    rows = sorted({(m.clang, m.opt) for m in mods})
    width = 14
    print("source \\ target".ljust(width) + "".join(f"{t:>10}" for t in targets) + f"{'all':>10}")
    total_ok = total = 0
    for clang, opt in rows:
        cells, row_ok, row_n = [], 0, 0
        for t in targets:
            outs = [o[t] for m, o in results.items() if (m.clang, m.opt) == (clang, opt)]
            ok = sum(o.ok for o in outs)
            cells.append(f"{ok}/{len(outs)}")
            row_ok, row_n = row_ok + ok, row_n + len(outs)
        total_ok, total = total_ok + row_ok, total + row_n
        print(f"clang{clang} -{opt}".ljust(width) + "".join(f"{c:>10}" for c in cells) + f"{row_ok}/{row_n}".rjust(10))
    print(f"accepted {total_ok}/{total} conversions of {len(mods)} modules "
          f"({sum(m.path.stat().st_size for m in mods) / 1e6:.1f} MB of IR) in {seconds:.0f} s "
          f"with {opts.jobs} jobs (corpus build {built:.0f} s)")

    groups = defaultdict(list)
    for mod, outcomes in results.items():
        for t, o in outcomes.items():
            if not o.ok:
                groups[signature(o)].append((mod, t, o))
    if groups:
        print("\nfailures by first message (count, example module -> target):")
        for sig, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            mod, t, _ = items[0]
            srcs = sorted({m.clang for m, _, _ in items})
            tgts = sorted({tt for _, tt, _ in items})
            print(f"{len(items):5}  {sig}\n       e.g. {mod.id} -> {t}; sources clang {srcs}, targets {tgts}")
    if opts.failures:
        with opts.failures.open("w") as f:
            for sig, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
                f.write(f"=== {len(items)} x {sig}\n")
                for mod, t, o in items:
                    f.write(f"--- {mod.id} -> {t} ({mod.path})\n")
                    f.write("\n".join(o.message.splitlines()[:30]) + "\n")
        print(f"\nevery failure written to {opts.failures}")
    return 0 if total_ok == total else 1


if __name__ == "__main__":
    sys.exit(main())
