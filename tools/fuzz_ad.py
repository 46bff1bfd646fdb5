"""Differential fuzzing of the AD engine: random C functions (tools/fuzz_ad_gen.py), built by
`enzyme-compat cc` with real clangs at several optimization levels, each differentiated
in reverse mode (`__enzyme_autodiff`) and forward mode (`__enzyme_fwddiff`, one tangent
per input) and compared with central finite differences, all in the generated program.

A program passes when, for each of its five inputs,
- reverse and forward mode agree: |r - f| <= 1e-8 max(1, |r|, |f|), and
- forward mode agrees with finite differences, |f - d| <= 1e-6 max(1, |f|, |d|), wherever
  the function is smooth at the point: two central differences (steps 1e-5 and 1e-6,
  relative; each also against a step 100 times smaller) that disagree by more than 1e-4,
  or one-sided differences that disagree by
  more than 1e-3 (a kink at the point itself, like |u| at u = 0, where symmetric
  differences agree on a meaningless slope), mean a branch, kink or jump lies within a
  step and that input's finite-difference check is skipped (counted in the summary); so is an
  input where the primal's own rounding (1e-14 |f(x)| over the step) could exceed the
  tolerance (a large value with a small derivative), or whose derivative exceeds 1e6 (a
  step then moves the arguments of floor/ceil/casts to integer across so many stairs, or
  past 2^52 where they are the identity, that the differences see a slope the rounding
  functions' zero derivative rightly does not).
Anything else fails: a disagreement, an error of `enzyme-compat cc` (the generator only
writes what the engine must support), a crash or timeout of the program. A failing
function is built again on its own, reduced (statement lines deleted while the failure
stays the same kind) and saved as tests/fuzz_ad_regressions/NNN.c with the configuration
in its first line (each failure, up to --max-saved); tests/test_fuzz_ad.py replays those
files.

Programs go in batches of --batch functions to one C file (one build each); batch b uses
the configuration b mod len(configs) of --cc x --opt. Program i of a run depends only on
--seed and i.

    python tools/fuzz_ad.py --count 10000 --seed 1 --jobs 2
"""

from __future__ import annotations

import argparse
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzz_ad_gen import ARRAY, Generated, generate  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
REGRESSIONS = REPO / "tests" / "fuzz_ad_regressions"
INPUTS = ARRAY + 1  # x[0..3] and y
REV_FWD_TOL = 1e-8
FD_TOL = 1e-6
SMOOTH_TOL = 1e-4  # FUZZ_SMOOTH of tools/fuzz_ad.h
STEP_B = 1e-6  # the smaller relative step of the two central differences (FUZZ_STEP_B)
ROUNDING = 1e-14  # relative error of a primal value after a few dozen roundings
LARGE = 1e6  # a derivative beyond this: a step spans many stairs of rounding functions
BUILD_TIMEOUT = 600
RUN_TIMEOUT = 60

HEADER_FILE = Path(__file__).resolve().parent / "fuzz_ad.h"  # ABI, differences, report
PRELUDE = '#include "fuzz_ad.h"\n'

CHECK = "FUZZ_CHECK({name}, {x}, {y}, {n})\n"


def c_file(programs: list[Generated]) -> str:
    parts = [PRELUDE]
    for g in programs:
        parts.append(g.source())
        parts.append(CHECK.format(name=g.name, x=", ".join(repr(v) for v in g.x), y=repr(g.y), n=g.n))
    calls = "".join(f"  check_{g.name}();\n" for g in programs)
    parts.append(f"int main(void) {{\n{calls}  return 0;\n}}\n")
    return "\n".join(parts)


@dataclass(frozen=True)
class Config:
    cc: str
    opt: str

    def __str__(self) -> str:
        return f"{self.cc} -{self.opt}"


@dataclass
class Verdict:
    """What one function's check found: `kind` is None when it passed."""

    name: str
    kind: str | None = None
    detail: str = ""
    fd_skipped: int = 0
    fd_ill_conditioned: int = 0
    worst_fd: float = 0.0
    worst_rev_fwd: float = 0.0


def _rel(a: float, b: float) -> float:
    return abs(a - b) / max(1.0, abs(a), abs(b))


def judge(name: str, fields: list[float]) -> Verdict:
    """The verdict on one report line's numbers: primal, rev[5], fwd[5], fd5[5], fd6[5]."""
    v = Verdict(name)
    primal, rest = fields[0], fields[1:]
    rev, fwd, fd_a, fd_b = (rest[k * INPUTS:(k + 1) * INPUTS] for k in range(4))
    if not math.isfinite(primal):
        v.kind, v.detail = "not-finite", f"primal {primal}"
        return v
    for j in range(INPUTS):
        if not (math.isfinite(rev[j]) and math.isfinite(fwd[j])):
            v.kind, v.detail = "not-finite", f"input {j}: reverse {rev[j]!r}, forward {fwd[j]!r}"
            return v
        e = _rel(rev[j], fwd[j])
        v.worst_rev_fwd = max(v.worst_rev_fwd, e)
        if e > REV_FWD_TOL:
            v.kind, v.detail = "reverse-vs-forward", f"input {j}: reverse {rev[j]!r}, forward {fwd[j]!r}"
            return v
        if not (math.isfinite(fd_a[j]) and math.isfinite(fd_b[j])) or _rel(fd_a[j], fd_b[j]) > SMOOTH_TOL:
            v.fd_skipped += 1
            continue
        if ROUNDING * max(1.0, abs(primal)) / STEP_B > FD_TOL * max(1.0, abs(fwd[j]), abs(fd_b[j])) \
                or max(abs(fwd[j]), abs(fd_b[j])) > LARGE:
            v.fd_ill_conditioned += 1  # f(x +- h) rounds away more than the tolerance, or
            continue  # a step moves values across many floor/ceil/(long) stairs
        e = _rel(fwd[j], fd_b[j])
        v.worst_fd = max(v.worst_fd, e)
        if e > FD_TOL:
            v.kind, v.detail = "forward-vs-fd", (f"input {j}: forward {fwd[j]!r}, "
                                                 f"finite differences {fd_b[j]!r} / {fd_a[j]!r}")
            return v
    return v


def parse_report(stdout: str) -> dict[str, list[float]]:
    found = {}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 + 1 + 4 * INPUTS and parts[0] == "R":
            try:
                found[parts[1]] = [float(p) for p in parts[2:]]
            except ValueError:
                continue
    return found


def _first_error(text: str) -> str:
    """The first error line, with the build folder's paths cut to file names."""
    text = re.sub(r"(?:/[^\s/:]+)+/([^\s/:]+\.c)", r"\1", text)
    for line in text.splitlines():
        if "error" in line.lower():
            return line.strip()[:300]
    return (text.strip().splitlines() or ["(no output)"])[-1][:300]


# Failures of the compiler on the generated C itself, before any AD: reported, not counted
# as disagreements, never reduced or saved.
TOOLCHAIN_KINDS = frozenset({"clang-crash"})


def build_failure_kind(status: int, text: str, stem: str) -> str:
    """The kind of a failed `enzyme-compat cc` build of STEM.c from its exit status and
    output."""
    if status == 2 or "Traceback" in text:
        return "internal-error"
    if re.search(rf"{stem}\.c:\d+:\d+: error:", text):  # clang's own diagnostic
        return "clang-error"
    crash = re.search(r"Program arguments: (.*)", text)  # clang's crash report names its command
    if crash and f"{stem}.c" in crash.group(1) and "-emit-llvm" in crash.group(1):
        return "clang-crash"  # clang died turning the C source into IR: AD never ran
    return "ad-error"  # a located AD error (`STEM.c: error: in function @f ...`), or clang
    # failing on the differentiated module


def build_and_run(source: str, config: Config, folder: Path, stem: str) -> tuple[str, str, str | None]:
    """(stage, output, failure kind or None): build with `enzyme-compat cc`, then run."""
    src, exe = folder / f"{stem}.c", folder / stem
    src.write_text(source)
    cmd = [sys.executable, "-m", "enzyme_compat", "cc", "--cc", config.cc, f"-{config.opt}",
           f"-I{HEADER_FILE.parent}", str(src), "-lm", "-o", str(exe)]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=BUILD_TIMEOUT, cwd=folder)
    except subprocess.TimeoutExpired:
        return "build", "", "build-timeout"
    if r.returncode != 0:
        text = r.stdout + r.stderr
        return "build", text, build_failure_kind(r.returncode, text, stem)
    try:
        r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=RUN_TIMEOUT, cwd=folder)
    except subprocess.TimeoutExpired as e:
        return "run", (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or ""), "run-timeout"
    if r.returncode != 0:
        return "run", r.stdout + r.stderr, f"run-status-{'signal' if r.returncode < 0 else 'nonzero'}"
    return "run", r.stdout, None


def check_one(g: Generated, config: Config, folder: Path) -> Verdict:
    """Build and judge one function on its own."""
    stage, out, kind = build_and_run(c_file([g]), config, folder, g.name)
    if kind:
        return Verdict(g.name, kind, _first_error(out))
    fields = parse_report(out).get(g.name)
    if fields is None:
        return Verdict(g.name, "no-report", out[-300:])
    return judge(g.name, fields)


@dataclass
class BatchResult:
    config: Config
    verdicts: list[Verdict] = field(default_factory=list)
    failures: list[tuple[Generated, Verdict]] = field(default_factory=list)


def run_batch(programs: list[Generated], config: Config) -> BatchResult:
    result = BatchResult(config)
    with tempfile.TemporaryDirectory(prefix="fuzz-ad-") as tmp:
        folder = Path(tmp)
        stage, out, kind = build_and_run(c_file(programs), config, folder, "batch")
        reports = parse_report(out)
        for g in programs:
            if g.name in reports:
                v = judge(g.name, reports[g.name])
            else:  # the batch failed before this function reported: find out on its own
                v = check_one(g, config, folder)
            result.verdicts.append(v)
            if v.kind:
                result.failures.append((g, v))
    return result


# -- reduction and regression files ----------------------------------------------------------

def reduce(g: Generated, config: Config, kind: str, deadline: float) -> Generated:
    """Delete statement lines (never the declarations or the return) and helpers while the
    failure keeps its kind."""
    import copy

    with tempfile.TemporaryDirectory(prefix="fuzz-ad-reduce-") as tmp:
        folder = Path(tmp)

        def still_fails(candidate: Generated) -> bool:
            return check_one(candidate, config, folder).kind == kind

        best = copy.deepcopy(g)
        changed = True
        while changed and time.time() < deadline:
            changed = False
            for k in range(len(best.body) - 2, 1, -1):  # keep 2 declaration lines and the return
                candidate = copy.deepcopy(best)
                del candidate.body[k]
                if time.time() < deadline and still_fails(candidate):
                    best, changed = candidate, True
            for k in range(len(best.helpers) - 1, -1, -1):
                name = best.helpers[k].split("(")[0].split()[-1]
                if any(name in s for s in best.body):
                    continue
                candidate = copy.deepcopy(best)
                del candidate.helpers[k]
                if time.time() < deadline and still_fails(candidate):
                    best, changed = candidate, True
        return best


HEADER = re.compile(r"^/\* fuzz_ad: cc=(?P<cc>\S+) opt=(?P<opt>\S+) kind=(?P<kind>\S+)")


def save_regression(g: Generated, config: Config, verdict: Verdict, seed: int, index: int) -> Path:
    REGRESSIONS.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.stem) for p in REGRESSIONS.glob("*.c") if p.stem.isdigit()]
    path = REGRESSIONS / f"{max(numbers, default=0) + 1:03d}.c"
    header = (f"/* fuzz_ad: cc={config.cc} opt={config.opt} kind={verdict.kind} */\n"
              f"/* found by `python tools/fuzz_ad.py --seed {seed}` as program {index}: "
              f"{verdict.detail.replace('*/', '* /')} */\n")
    path.write_text(header + c_file([g]))
    return path


def replay(path: Path, folder: Path) -> Verdict:
    """Build and judge a saved regression file with the configuration in its first line."""
    text = path.read_text()
    m = HEADER.match(text)
    config = Config(m["cc"], m["opt"])
    stage, out, kind = build_and_run(text, config, folder, f"r{path.stem}")
    if kind:
        return Verdict(path.stem, kind, _first_error(out))
    reports = parse_report(out)
    if len(reports) != 1:
        return Verdict(path.stem, "no-report", out[-300:])
    (name, fields), = reports.items()
    return judge(name, fields)


# -- the run --------------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=200, help="programs to generate (default 200)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=int, default=0, help="index of the first program")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--batch", type=int, default=25, help="functions per C file (one build)")
    ap.add_argument("--cc", default="clang-14,clang-22", help="comma-separated compilers")
    ap.add_argument("--opt", default="O0,O2", help="comma-separated optimization levels")
    ap.add_argument("--no-save", action="store_true", help="do not reduce and save failures")
    ap.add_argument("--reduce-seconds", type=float, default=300, help="time for reducing one failure")
    ap.add_argument("--max-saved", type=int, default=50, help="failures to reduce and save at most")
    args = ap.parse_args(argv)

    import shutil

    configs = [Config(cc, opt) for cc in args.cc.split(",") for opt in args.opt.split(",")]
    missing = sorted({c.cc for c in configs if shutil.which(c.cc) is None})
    if missing:
        print(f"fuzz_ad: error: {', '.join(missing)} not found on PATH "
              f"(install Debian's clang-N packages, or pass --cc)", file=sys.stderr)
        return 2
    indices = list(range(args.start, args.start + args.count))
    batches = [indices[k:k + args.batch] for k in range(0, len(indices), args.batch)]
    started = time.time()
    per_config: Counter = Counter()
    kinds: Counter = Counter()
    toolchain: Counter = Counter()
    skipped = ill = worst_fd = worst_rf = 0.0
    failures = []
    done = 0

    def work(b: int):
        programs = [generate(args.seed, i) for i in batches[b]]
        return b, run_batch(programs, configs[(args.start // args.batch + b) % len(configs)])

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for b, result in pool.map(work, range(len(batches))):
            done += len(result.verdicts)
            per_config[str(result.config)] += len(result.verdicts)
            for v in result.verdicts:
                skipped += v.fd_skipped
                ill += v.fd_ill_conditioned
                worst_fd = max(worst_fd, v.worst_fd)
                worst_rf = max(worst_rf, v.worst_rev_fwd)
            for g, v in result.failures:
                index = int(g.name[1:])
                if v.kind in TOOLCHAIN_KINDS:
                    toolchain[v.kind] += 1  # its derivatives were never computed
                    print(f"SKIP program {index} ({result.config}): {v.kind}: {v.detail}", flush=True)
                    continue
                kinds[v.kind] += 1
                failures.append((g, v, result.config, index))
                print(f"FAIL program {index} ({result.config}): {v.kind}: {v.detail}", flush=True)
            if b % 10 == 9 or b == len(batches) - 1:
                print(f"  {done}/{len(indices)} programs, {len(failures)} failing, "
                      f"{time.time() - started:.0f} s", flush=True)

    saved = []
    if failures and not args.no_save:
        reduced = set()
        for g, v, config, index in failures[:args.max_saved]:  # each one, reduced
            small = reduce(g, config, v.kind, time.time() + args.reduce_seconds)
            body = "\n".join(small.helpers + small.body)
            if (v.kind, str(config), body) in reduced:  # the same reproducer again
                continue
            reduced.add((v.kind, str(config), body))
            with tempfile.TemporaryDirectory() as tmp:
                again = check_one(small, config, Path(tmp))
            saved.append(save_regression(small, config, again if again.kind else v, args.seed, index))
        if len(failures) > args.max_saved:
            print(f"{len(failures) - args.max_saved} more failures not reduced (--max-saved)")

    checks = (done - sum(toolchain.values())) * INPUTS
    print(f"{done} programs ({', '.join(f'{n} {c}' for c, n in sorted(per_config.items()))}), "
          f"seed {args.seed}, {time.time() - started:.0f} s")
    print(f"{checks} partial derivatives: reverse vs forward worst relative difference {worst_rf:.2g}; "
          f"forward vs finite differences worst {worst_fd:.2g} on {checks - int(skipped + ill)} "
          f"({int(skipped)} not smooth at the point, {int(ill)} ill-conditioned: skipped)")
    print(f"{len(failures)} disagreements or failures" +
          (": " + ", ".join(f"{n} {k}" for k, n in kinds.most_common()) if kinds else ""))
    if toolchain:
        print("not AD: " + ", ".join(f"{n} {k}" for k, n in toolchain.most_common()) +
              " (the compiler failed on the generated C before differentiation)")
    for path in saved:
        print(f"saved {path.relative_to(REPO)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
