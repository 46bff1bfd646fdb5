"""Parse and print speed on real code, as one JSON line.

    python benchmarks/parse_print_speed.py [--file F.ll] [--runs 5] [--release N]

By default the module is the largest clang -O2 module of the real-code corpus
(tests/realcode.py; about 1 MB: lz4.c), built first if needed. Reports MB/s of input text for
parse alone, print alone (``to_text`` of an already parsed module) and parse+print, each the
median of ``--runs`` runs. ``--release`` is the printed release (default: the module's clang).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def largest_o2_module() -> Path:
    import realcode

    mods = [m for m in realcode.all_modules() if m.opt == "O2"]
    if not mods:
        raise realcode.Unavailable("no clang-N installed")
    paths = [realcode.compile_module(m) for m in mods]
    return max(paths, key=lambda p: p.stat().st_size)


CLOCK = time.perf_counter


def timed(fn) -> tuple[float, object]:
    start = CLOCK()
    result = fn()
    return CLOCK() - start, result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--file", type=Path, help="textual IR to measure (default: see above)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--release", type=int, help="release to print for")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="wall time, or this process's CPU time (steadier on a shared machine)")
    opts = ap.parse_args(argv)
    global CLOCK
    CLOCK = time.perf_counter if opts.clock == "wall" else time.process_time

    import enzyme_compat

    path = opts.file or largest_o2_module()
    text = path.read_text(encoding="utf-8")
    release = opts.release
    if release is None:
        m = re.search(r"clang(\d+)", str(path))
        release = int(m.group(1)) if m else 22
    mb = len(text.encode("utf-8")) / 1e6

    parse_s, print_s, both_s = [], [], []
    out = ""
    for _ in range(opts.runs):
        t, module = timed(lambda: enzyme_compat.parse(text, filename=str(path)))
        parse_s.append(t)
        t, out = timed(lambda: module.to_text(release=release))
        print_s.append(t)
        t, _ = timed(lambda: enzyme_compat.parse(text, filename=str(path)).to_text(release=release))
        both_s.append(t)

    med = {k: statistics.median(v) for k, v in (("parse", parse_s), ("print", print_s), ("parse_print", both_s))}
    print(json.dumps({
        "file": path.name,
        "module": "/".join(path.parts[-4:]),
        "input_mb": round(mb, 3),
        "output_mb": round(len(out.encode("utf-8")) / 1e6, 3),
        "release": release,
        "runs": opts.runs,
        "clock": opts.clock,
        **{f"{k}_s": round(v, 3) for k, v in med.items()},
        **{f"{k}_mb_per_s": round(mb / v, 3) for k, v in med.items()},
        "python": sys.version.split()[0],
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
