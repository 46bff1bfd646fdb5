"""Gradient/primal time ratios of real kernels differentiated by `enzyme-compat cc`.

    python benchmarks/run_bench.py [--cc clang-22] [--kernels gmm_d10_K25,fft] [--samples 15]
                                   [--min-time 0.02] [--out benchmarks/results] [--name bench]

Each kernel of benchmarks/kernels/ (C, double precision, Enzyme's ABI; the driver is
benchmarks/kernels/harness.h) is built three times:

  ad_O2      `enzyme-compat cc --cc CC -O2`: clang's -O2 IR differentiated, then compiled at -O2
  ad_unopt   `enzyme-compat cc --cc CC -O2 -Xclang -disable-llvm-passes`: clang's IR before any
             LLVM pass (what -O0 emits, without -O0's optnone/noinline) differentiated, then
             the whole -O2 pipeline and code generation run on the differentiated module
  primal     plain `CC -O2 -DBENCH_PRIMAL_ONLY`: the primal alone, no AD in the binary

and, with `--builds ...,ad_O0`, clang's literal -O0 output (`-O0 -Xclang -disable-O0-optnone`:
no optnone, but -O0's noinline on every function) differentiated by `enzyme-compat cc -S
-emit-llvm`, then compiled by `CC -O2`: noinline keeps the optimizer from inlining after AD,
which is why ad_unopt is the default meaning of "AD on unoptimized IR, then -O2". Each binary is run once; it times the primal and the gradient in the same process and
checks the gradient against central finite differences (see harness.h). Ratios are always
gradient / primal of the same process, and the speedup of AD after -O2 is the quotient of
the two ratios (unoptimized / after -O2). Writes NAME.json, NAME.md (a table with geometric
means) and NAME.png into --out; NAME defaults to `bench` for clang-22, else `bench-CC`.
A kernel that fails to build, to run or to match finite differences stays in the table,
marked failed, with the error in the JSON and under the table.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import math
import os
import platform
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
KERNELS_DIR = HERE / "kernels"
ROOT = HERE.parent


def portable(text: str) -> str:
    """Paths in results as relative to the checkout (and ~ for the home directory), so
    results files say nothing about the machine they were made on."""
    return text.replace(str(ROOT) + "/", "").replace(str(Path.home()), "~")

# name -> (source, defines, what it is)
KERNELS: dict[str, tuple[str, list[str], str]] = {
    "gmm_d10_K25": ("gmm.c", ["-DGMM_D=10", "-DGMM_K=25", "-DGMM_N=1000"], "GMM log-likelihood, d=10 K=25 n=1000"),
    "gmm_d64_K10": ("gmm.c", ["-DGMM_D=64", "-DGMM_K=10", "-DGMM_N=1000"], "GMM log-likelihood, d=64 K=10 n=1000"),
    "ba": ("ba.c", [], "bundle adjustment, 20 cameras, 4000 points, 16000 observations"),
    "lstm": ("lstm.c", [], "LSTM, 2 layers, 1024 characters of 14"),
    "ode_euler": ("ode.c", [], "explicit Euler, 16 coupled pendulums, 5000 steps"),
    "ode_rk4": ("ode.c", ["-DODE_RK4"], "RK4, 16 coupled pendulums, 5000 steps"),
    "fft": ("fft.c", [], "radix-2 complex FFT, N=1024, weighted power spectrum"),
    "stencil": ("stencil.c", [], "2-D heat equation, 128x128, 50 steps"),
}

BUILDS = {
    "ad_O2": "AD after -O2",
    "ad_unopt": "AD on unoptimized IR, then -O2",
    "primal": "primal alone, plain clang -O2",
    "ad_O0": "AD on clang -O0 IR (noinline kept), then -O2",
}
DEFAULT_BUILDS = ("ad_O2", "ad_unopt", "primal")


def build_commands(build: str, cc: str, source: Path, defines: list[str], out: Path) -> list[list[str]]:
    common = [str(source), *defines, "-lm", "-o", str(out)]
    if build == "primal":
        return [[*shlex.split(cc), "-O2", "-DBENCH_PRIMAL_ONLY", *common]]
    ad = [sys.executable, "-m", "enzyme_compat", "cc", "--cc", cc]
    if build == "ad_O0":
        ll = out.with_suffix(".ll")
        return [[*ad, "-O0", "-Xclang", "-disable-O0-optnone", "-S", "-emit-llvm", str(source), *defines, "-o", str(ll)],
                [*shlex.split(cc), "-O2", str(ll), "-lm", "-o", str(out)]]
    if build == "ad_unopt":
        return [[*ad, "-O2", "-Xclang", "-disable-llvm-passes", *common]]
    return [[*ad, "-O2", *common]]


def tail(text: str, lines: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def run_build(build: str, cc: str, kernel: str, bindir: Path) -> dict:
    source, defines, _ = KERNELS[kernel]
    out = bindir / f"{kernel}.{build}"
    cmds = build_commands(build, cc, KERNELS_DIR / source, defines, out)
    record: dict = {"build": build, "command": " && ".join(map(shlex.join, cmds))}
    start = time.perf_counter()
    for cmd in cmds:
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=KERNELS_DIR)
        if proc.returncode != 0:
            record.update(ok=False, stage="build", status=proc.returncode, error=tail(proc.stderr + proc.stdout),
                          build_s=round(time.perf_counter() - start, 3))
            return record
    record["build_s"] = round(time.perf_counter() - start, 3)
    env = dict(os.environ)
    start = time.perf_counter()
    try:
        run = subprocess.run([str(out)], capture_output=True, text=True, env=env, timeout=1800)
    except subprocess.TimeoutExpired:
        record.update(ok=False, stage="run", status=None, error="timed out after 1800 s")
        return record
    record["run_s"] = round(time.perf_counter() - start, 3)
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    if not lines:
        record.update(ok=False, stage="run", status=run.returncode,
                      error=tail(run.stderr + run.stdout) or f"exit status {run.returncode}, no output")
        return record
    result = json.loads(lines[-1])
    record.update(result)
    if build == "primal":
        record["ok"] = run.returncode == 0
    elif not result.get("ok"):
        record.update(ok=False, stage="check", status=run.returncode,
                      error=f"gradient differs from finite differences: max relative error "
                            f"{result.get('max_rel_err')} at input {result.get('worst_index')}"
                            + ("" if result.get("inputs_unchanged", True) else "; the gradient changed its inputs"))
    if run.returncode not in (0, 3):
        record.update(ok=False, stage="run", status=run.returncode, error=tail(run.stderr) or "crashed")
    return record


def geomean(values: list[float]) -> float | None:
    values = [v for v in values if v and v > 0 and math.isfinite(v)]
    return math.exp(sum(map(math.log, values)) / len(values)) if values else None


def summarize(kernel: str, builds: dict[str, dict]) -> dict:
    a, b, c = builds.get("ad_O2", {}), builds.get("ad_unopt", {}), builds.get("primal", {})
    row: dict = {"kernel": kernel, "what": KERNELS[kernel][2], "n": a.get("n") or c.get("n")}
    row["primal_s"] = a.get("primal_s") if a.get("primal_s") else c.get("primal_s")
    row["primal_plain_s"] = c.get("primal_s")
    if a.get("ok"):
        row.update(grad_s=a["grad_s"], ratio=a["ratio"], ratio_cpu=a.get("ratio_cpu"))
    if b.get("ok"):
        row.update(grad_unopt_s=b["grad_s"], ratio_unopt=b["ratio"], ratio_unopt_cpu=b.get("ratio_cpu"))
    if a.get("ok") and b.get("ok"):
        # each gradient over the primal timed in its own process: load that differs between the
        # two runs cancels (the primal is the same -O2 code in both)
        row["speedup"] = b["ratio"] / a["ratio"]
        row["speedup_raw"] = b["grad_s"] / a["grad_s"]
    o0 = builds.get("ad_O0", {})
    if o0.get("ok"):
        row.update(grad_O0_s=o0["grad_s"], ratio_O0=o0["ratio"])
    row["fd_s"] = a.get("fd_s") or c.get("fd_s")
    errs = [x["max_rel_err"] for x in (a, b, builds.get("ad_O0", {})) if x.get("max_rel_err") is not None]
    row["max_rel_err"] = max(errs) if errs else None
    row["failed"] = {name: {k: x.get(k) for k in ("stage", "status", "error", "command")}
                     for name, x in builds.items() if name != "primal" and not x.get("ok")}
    return row


def fmt_time(s: float | None) -> str:
    if s is None:
        return "-"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.3g} ms"
    return f"{s * 1e6:.3g} µs"


def fmt_x(v: float | None, fail: str | None = None) -> str:
    if fail:
        return f"**FAILED** ({fail})"
    return "-" if v is None else f"{v:.2f}x"


def markdown(rows: list[dict], meta: dict) -> str:
    o0 = "ad_O0" in meta["builds"]
    head = ("| kernel | primal | gradient (AD after -O2) | ratio | AD on unoptimized IR, then -O2: ratio "
            "| speedup of AD after -O2 | FD (2n primals) | max rel err |")
    if o0:
        head += " AD on -O0 IR (noinline), then -O2: ratio |"
    out = [head, "|" + "---|" * (9 if o0 else 8)]
    for r in rows:
        fa, fb, fo = (r["failed"].get(b) for b in ("ad_O2", "ad_unopt", "ad_O0"))
        err = "-" if r["max_rel_err"] is None else f"{r['max_rel_err']:.1e}"
        out.append(
            f"| {r['kernel']} | {fmt_time(r['primal_s'])} | "
            f"{'-' if fa else fmt_time(r.get('grad_s'))} | {fmt_x(r.get('ratio'), fa and fa['stage'])} | "
            f"{fmt_x(r.get('ratio_unopt'), fb and fb['stage'])} | {fmt_x(r.get('speedup'))} | "
            f"{fmt_time(r['fd_s'])} | {err} |" + (f" {fmt_x(r.get('ratio_O0'), fo and fo['stage'])} |" if o0 else ""))
    gm = {k: geomean([r.get(k) for r in rows]) for k in ("ratio", "ratio_unopt", "speedup", "ratio_O0")}
    out.append(f"| **geometric mean** | | | **{fmt_x(gm['ratio'])}** | **{fmt_x(gm['ratio_unopt'])}** | "
               f"**{fmt_x(gm['speedup'])}** | | |" + (f" **{fmt_x(gm['ratio_O0'])}** |" if o0 else ""))
    out.append("")
    cpu = {k: geomean([r.get(k) for r in rows]) for k in ("ratio_cpu", "ratio_unopt_cpu")}
    engine = meta.get("engine", {})
    dirty = f" + uncommitted changes to {len(engine['uncommitted'])} files" if engine.get("uncommitted") else ""
    if engine.get("same_as_checkout") is False:
        dirty = f" (an installed copy, sources {engine.get('hash')}, not the checkout's now)"
    out.append(f"{meta['compiler']}, {meta['samples']} samples of >= {meta['min_time']} s each (medians, primal and "
               f"gradient interleaved), {meta['machine']}, {meta['date']}, engine {engine.get('commit', '?')}{dirty}; "
               f"bench took {meta['total_s']:.0f} s. The same ratios from process CPU time: geometric means "
               f"{fmt_x(cpu['ratio_cpu'])} (AD after -O2), {fmt_x(cpu['ratio_unopt_cpu'])} (AD on unoptimized IR).")
    fails = [(r["kernel"], b, f) for r in rows for b, f in r["failed"].items()]
    if fails:
        out += ["", "Failures:", ""]
        for kernel, build, f in fails:
            out.append(f"- {kernel} ({build}, {f['stage']}): `{f['command']}`")
            out += ["", "  ```", *("  " + line for line in str(f["error"]).splitlines()), "  ```"]
    return "\n".join(out) + "\n"


def plot(rows: list[dict], meta: dict, path: Path) -> str | None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed: no plot (nox -s bench installs it)"
    names = [r["kernel"] for r in rows]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    xs = range(len(rows))
    bars_wanted = [("ratio", "AD after -O2"), ("ratio_unopt", "AD on unoptimized IR, then -O2")]
    if "ad_O0" in meta["builds"]:
        bars_wanted.append(("ratio_O0", "AD on -O0 IR (noinline), then -O2"))
    width = 0.8 / len(bars_wanted)
    for i, (key, label) in enumerate(bars_wanted):
        shift = (i - (len(bars_wanted) - 1) / 2) * width
        vals = [r.get(key) or 0 for r in rows]
        bars = ax.bar([x + shift for x in xs], vals, width, label=label)
        for bar, v in zip(bars, vals):
            ax.annotate("failed" if not v else f"{v:.1f}", (bar.get_x() + bar.get_width() / 2, v or 1),
                        ha="center", va="bottom", fontsize=7)
    ax.set_yscale("log")
    ax.set_xticks(list(xs))
    ax.set_xticklabels(names, rotation=20)
    ax.set_ylabel("gradient time / primal time")
    ax.set_title(f"enzyme-compat reverse mode, {meta['compiler']}")
    ax.axhline(1, color="grey", lw=0.5)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return None


def compiler_version(cc: str) -> str:
    try:
        text = subprocess.run([*shlex.split(cc), "--version"], capture_output=True, text=True).stdout
    except OSError as exc:
        raise SystemExit(f"run_bench: cannot run {cc}: {exc}")
    m = re.search(r"clang version (\S+)", text)
    return f"{cc} (clang {m.group(1)})" if m else cc


def _tree_hash(package: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def engine_info() -> dict:
    """Which enzyme_compat the builds use, and the state of this checkout (the engine is
    edited while benchmarks run: `nox -s bench` installs a copy, so one run sees one engine).
    `same_as_checkout`: whether the copy's sources are the checkout's enzyme_compat/ now."""
    info: dict = {}
    proc = subprocess.run([sys.executable, "-c", "import enzyme_compat; print(enzyme_compat.__file__)"],
                          capture_output=True, text=True, cwd=KERNELS_DIR)
    info["module"] = proc.stdout.strip() or proc.stderr.strip()[-300:]
    if proc.returncode == 0:
        used = Path(info["module"]).parent
        info["hash"] = _tree_hash(used)
        info["same_as_checkout"] = used.resolve() == (ROOT / "enzyme_compat").resolve() or \
            info["hash"] == _tree_hash(ROOT / "enzyme_compat")
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "enzyme_compat", "plugins"],
                               capture_output=True, text=True)
    except OSError:
        return info
    info["commit"] = head.stdout.strip()
    info["uncommitted"] = [line[3:] for line in dirty.stdout.splitlines()]
    return info


def stale_warning(engine: dict, tag: str) -> None:
    """Say so up front when the enzyme_compat the runs use is not this checkout's sources
    (a copy installed earlier: `nox -R` reuses the session without reinstalling it)."""
    if engine.get("same_as_checkout") is False:
        print(f"{tag} warning: the enzyme_compat these runs use ({engine.get('module')}) is not "
              "this checkout's, its sources differ: `nox -R` skips the reinstall, run "
              "`nox -s bench` without -R", file=sys.stderr, flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cc", default="clang-22", help="the clang to build with (clang-14: typed pointers)")
    ap.add_argument("--kernels", help="comma-separated subset of: " + ", ".join(KERNELS))
    ap.add_argument("--builds", default=",".join(DEFAULT_BUILDS), help="comma-separated: " + ", ".join(BUILDS))
    ap.add_argument("--samples", type=int, default=15, help="measurements per timing (median)")
    ap.add_argument("--min-time", type=float, default=0.02, help="seconds per measurement, at least")
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--name", help="output file stem (default: bench for clang-22, else bench-CC)")
    ap.add_argument("--builddir", type=Path, default=HERE / "build")
    opts = ap.parse_args(argv)
    kernels = opts.kernels.split(",") if opts.kernels else list(KERNELS)
    unknown = [k for k in kernels if k not in KERNELS]
    if unknown:
        ap.error(f"unknown kernels: {', '.join(unknown)}")
    builds_wanted = opts.builds.split(",")
    if any(b not in BUILDS for b in builds_wanted):
        ap.error(f"--builds: choose among {', '.join(BUILDS)}")
    name = opts.name or ("bench" if opts.cc == "clang-22" else "bench-" + re.sub(r"[^\w.-]+", "_", opts.cc))
    bindir = opts.builddir / re.sub(r"[^\w.-]+", "_", opts.cc)
    bindir.mkdir(parents=True, exist_ok=True)
    opts.out.mkdir(parents=True, exist_ok=True)
    os.environ["BENCH_SAMPLES"] = str(opts.samples)
    os.environ["BENCH_MIN_TIME"] = str(opts.min_time)

    started = time.perf_counter()
    meta = {
        "compiler": compiler_version(opts.cc),
        "samples": opts.samples,
        "min_time": opts.min_time,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}",
        "python": sys.version.split()[0],
        "date": datetime.date.today().isoformat(),
        "engine": engine_info(),
        "builds": {b: BUILDS[b] for b in builds_wanted},
    }
    stale_warning(meta["engine"], "[bench]")
    rows, raw = [], {}
    for kernel in kernels:
        builds = {}
        for build in builds_wanted:
            rec = run_build(build, opts.cc, kernel, bindir)
            builds[build] = rec
            state = "ok" if rec.get("ok") else f"FAILED ({rec.get('stage')})"
            ratio = f" ratio {rec['ratio']:.2f}" if rec.get("ratio") and build != "primal" else ""
            print(f"[bench] {kernel:12s} {build:9s} build {rec['build_s']:6.1f} s, run {rec.get('run_s', 0):6.1f} s"
                  f"{ratio}: {state}", file=sys.stderr, flush=True)
        raw[kernel] = builds
        rows.append(summarize(kernel, builds))
    meta["total_s"] = round(time.perf_counter() - started, 1)
    gm = {k: geomean([r.get(k) for r in rows]) for k in ("ratio", "ratio_unopt", "speedup", "ratio_O0")}

    (opts.out / f"{name}.json").write_text(portable(json.dumps(
        {"meta": meta, "geomean": gm, "kernels": rows, "runs": raw}, indent=1) + "\n"))
    table = markdown(rows, meta)
    (opts.out / f"{name}.md").write_text(table)
    note = plot(rows, meta, opts.out / f"{name}.png")
    print(table)
    if note:
        print(note, file=sys.stderr)
    print(f"[bench] wrote {opts.out / name}.json, .md" + ("" if note else ", .png"), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
