"""Transformation speed: parse + differentiate + print of modules of 10^2..10^5 instructions.

    python benchmarks/transform_speed.py [--cc clang-22] [--families functions,straight,branches]
                                         [--max-instructions 100000] [--budget 300]
                                         [--out benchmarks/results] [--name transform_speed]

Modules are generated C compiled by CC at -O2 (`-S -emit-llvm`), in three families, sized
for about 100, 200, 500, 1000, ... instructions up to --max-instructions:

  functions  N independent kernels (a loop with a libm call, a branch and an indexed read),
             each differentiated by its own `__enzyme_autodiff` call: many small functions
  straight   one function of N straight-line statements over eight rolling locals (a mix of
             +, *, /, sin, exp, sqrt) differentiated by one `__enzyme_autodiff` call: one
             large function and a large tape
  branches   one function of N if/else statements (a block or three each, phis where they
             meet), one `__enzyme_autodiff` call: one large function of many blocks

plus, as real points, the kernels of benchmarks/kernels/ at -O2. Each module is timed in
this process: `enzyme_compat.parse`, `enzyme_compat.ad.differentiate_module` (with the
release detection `enzyme-compat cc` does) and `module.to_text`, the fastest of up to
--runs runs (no new run starts after 20 s of runs: the 10^5-instruction modules run three
times too, since a shared machine's speed can drift by 10% within minutes), on the wall
clock and on this process's CPU clock (`*_cpu_s`: steadier on a shared machine). A family
stops growing before a point predicted (from the growth between the last two points) to take
more than --budget seconds, or after one that did; the JSON is rewritten after every point.
Reports instructions per second (input instructions, all three phases) and the fitted
growth exponent b of time ~ a * instructions^b (least squares in log-log, points of >= 1000
instructions; wall and CPU time), as JSON (NAME.json), a table (NAME.md) and a log-log plot (NAME.png).
Each point is also timed as a user runs it: the wall time of a whole `enzyme-compat ad`
process (start-up, import, read, the three phases, write, exit; `command_s`).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def portable(text: str) -> str:
    """Paths in results as relative to the checkout (and ~ for the home directory)."""
    return text.replace(str(HERE.parent) + "/", "").replace(str(Path.home()), "~")

CLOCK = time.perf_counter

HEADER = """#include <math.h>
extern int enzyme_dup, enzyme_const;
extern void __enzyme_autodiff(void *, ...);
"""

OPS = ("sin(v)", "exp(-v * v)", "sqrt(v * v + 1.0)", "v * v", "tanh(v)", "log(v * v + 2.0)")


def gen_functions(count: int) -> str:
    """`count` small kernels, each with its own __enzyme_autodiff call."""
    parts = [HEADER]
    for k in range(count):
        a, b, c = 0.5 + (k % 7) * 0.1, (k % 5) * 0.25 - 0.5, (k % 3) * 0.5
        parts.append(
            f"double kernel{k}(const double *x, int n) {{\n"
            f"  double s = {c + 0.125};\n"
            f"  for (int i = 0; i < n; i++) {{\n"
            f"    double v = x[i] * {a} + {b};\n"
            f"    s += {OPS[k % len(OPS)]} * x[(i + {k % 13 + 1}) % n];\n"
            f"    if (v > {c}) s -= v * {0.25 + (k % 4) * 0.125};\n"
            f"  }}\n"
            f"  return s * s;\n"
            f"}}\n")
    parts.append("void gradients(const double *x, double *dx, int n) {\n")
    for k in range(count):
        parts.append(f"  __enzyme_autodiff((void *)kernel{k}, enzyme_dup, x, dx, enzyme_const, n);\n")
    parts.append("}\n")
    return "".join(parts)


def gen_straight(count: int) -> str:
    """one function of `count` straight-line statements, one __enzyme_autodiff call."""
    body = [HEADER, "double big(const double *x) {\n"]
    body.append("  double " + ", ".join(f"a{i} = x[{i}]" for i in range(8)) + ";\n")
    forms = ("a{d} = a{p} * x[{j}] + a{q};", "a{d} = sin(a{p}) + a{q} * {c};", "a{d} = a{p} / (1.0 + a{q} * a{q});",
             "a{d} = exp(-a{p} * a{p}) * x[{j}];", "a{d} = sqrt(a{p} * a{p} + {c}) - a{q};", "a{d} = a{p} * a{q} + {c};")
    for s in range(count):
        stmt = forms[s % len(forms)].format(d=s % 8, p=(s + 3) % 8, q=(s + 5) % 8, j=s % 64, c=0.5 + (s % 9) * 0.125)
        body.append("  " + stmt + "\n")
    body.append("  return " + " + ".join(f"a{i}" for i in range(8)) + ";\n}\n")
    body.append("void gradient(const double *x, double *dx) {\n"
                "  __enzyme_autodiff((void *)big, enzyme_dup, x, dx);\n}\n")
    return "".join(body)


def gen_branches(count: int) -> str:
    """one function of `count` if/else statements (a block or three each, phis where they
    meet), one __enzyme_autodiff call."""
    body = [HEADER, "double forks(const double *x) {\n  double s = 0.0;\n"]
    for k in range(count):
        body.append(f"  if (x[{k % 97}] > {(k % 89) * 0.01:.2f}) s += sin(x[{(k * 7) % 97}]) * {1 + k % 5};"
                    f" else s -= x[{(k * 3) % 97}] * s;\n")
    body.append("  return s;\n}\n")
    body.append("void gradient(const double *x, double *dx) {\n"
                "  __enzyme_autodiff((void *)forks, enzyme_dup, x, dx);\n}\n")
    return "".join(body)


# generator, first guess of instructions per unit of size (corrected after every point)
FAMILIES = {
    "functions": (gen_functions, 33.0),
    "straight": (gen_straight, 2.4),
    "branches": (gen_branches, 9.0),
}

TARGETS = (100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000)


def compile_c(cc: str, source: Path, out: Path, extra=()) -> None:
    cmd = [cc, "-O2", "-S", "-emit-llvm", *extra, str(source), "-o", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")


def count_instructions(module) -> int:
    return sum(len(block.instructions) for fn in module.functions for block in fn.blocks)


def measure(text: str, filename: str, runs: int, repeat_within: float = 20.0) -> dict:
    """The fastest of up to `runs` runs (a run after `repeat_within` seconds of runs is not
    started), each phase timed on the wall clock and on this process's CPU clock."""
    import enzyme_compat
    from enzyme_compat.ad import differentiate_module
    from enzyme_compat.ad.driver import input_release

    best: dict[str, float] = {}
    spent = 0.0
    info: dict = {}
    done = 0

    def now():
        return CLOCK(), time.process_time()

    def since(t0):
        t1 = now()
        return t1[0] - t0[0], t1[1] - t0[1]

    while done < runs and (done == 0 or spent < repeat_within):
        if done:  # the previous run's module (cyclic) is collected before the clock starts
            module = out = None
            gc.collect()
        t = now()
        module = enzyme_compat.parse(text, filename=filename)
        took = {"parse": since(t)}
        inputs = count_instructions(module)  # bookkeeping, not timed
        t = now()
        release = input_release(module, text)
        names = differentiate_module(module, release=release)
        took["differentiate"] = since(t)
        t = now()
        out = module.to_text(release=release)
        took["print"] = since(t)
        took["total"] = tuple(sum(p[c] for p in took.values()) for c in (0, 1))
        for phase, (wall, cpu) in took.items():
            best[f"{phase}_s"] = min(best.get(f"{phase}_s", math.inf), wall)
            best[f"{phase}_cpu_s"] = min(best.get(f"{phase}_cpu_s", math.inf), cpu)
        info = {"instructions": inputs, "out_instructions": count_instructions(module), "derived": len(names),
                "in_bytes": len(text), "out_bytes": len(out), "release": release}
        spent += took["total"][0]
        done += 1
    info["runs"] = done
    info.update(best)
    info["instructions_per_s"] = info["instructions"] / info["total_s"]
    return info


def _failure(proc: subprocess.CompletedProcess) -> str:
    """The last line a failed process wrote to stderr, else its exit status."""
    return (proc.stderr.strip().splitlines() or ["exit status " + str(proc.returncode)])[-1]


def measure_fresh(ll: Path, runs: int) -> dict:
    """`measure` of the module in file `ll` in a new Python process (as `enzyme-compat`
    runs: one module per process), so that no point inherits the heap of the ones before."""
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--measure", str(ll),
                           "--runs", str(runs)], capture_output=True, text=True, cwd=HERE)
    if proc.returncode != 0:
        raise RuntimeError(_failure(proc))
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure_command(ll: Path, runs: int, repeat_within: float = 20.0) -> float:
    """Wall time of a whole `enzyme-compat ad LL -o OUT` process, what a user waits for:
    interpreter start-up, import, read, the three phases, write and exit; the fastest of
    up to `runs` (none started after `repeat_within` seconds of them)."""
    best, spent, done = math.inf, 0.0, 0
    out = ll.with_name(ll.stem + ".grad.ll")
    # compiled modules cached as an installed package has them (the first run writes them)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    while done < runs and (done == 0 or spent < repeat_within):
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "enzyme_compat", "ad", str(ll), "-o", str(out)],
                              capture_output=True, text=True, cwd=HERE, env=env)
        took = time.perf_counter() - t
        if proc.returncode != 0:
            raise RuntimeError(_failure(proc))
        best, spent, done = min(best, took), spent + took, done + 1
    out.unlink(missing_ok=True)
    return best


def with_command(point: dict, ll: Path, runs: int) -> dict:
    point["command_s"] = measure_command(ll, runs)
    point["command_instructions_per_s"] = point["instructions"] / point["command_s"]
    return point


def predict(points: list[dict], instructions: int) -> float:
    """Time of a point of `instructions`, extrapolated from the growth over the last three
    points (at least linear); 0 with fewer than two points."""
    if len(points) < 2:
        return 0.0
    growth = fit_exponent(points[-3:], floor=0) or 1.0
    last = points[-1]
    return last["total_s"] * (instructions / last["instructions"]) ** max(growth, 1.0)


def fit_exponent(points: list[dict], key: str = "total_s", floor: int = 1000) -> float | None:
    pts = [(math.log(p["instructions"]), math.log(p[key])) for p in points if p["instructions"] >= floor and p[key] > 0]
    if len(pts) < 2:
        return None
    mx = statistics.fmean(x for x, _ in pts)
    my = statistics.fmean(y for _, y in pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sxx if sxx else None


def plot(series: dict[str, list[dict]], path: Path, title: str) -> str | None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed: no plot (nox -s bench installs it)"
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.5))
    markers = {"functions": "o-", "straight": "s-", "kernels": "^"}
    for family, pts in series.items():
        if not pts:
            continue
        xs = [p["instructions"] for p in pts]
        ax.plot(xs, [p["total_s"] for p in pts], markers.get(family, "x-"), label=f"{family}: total")
        if family != "kernels":
            ax.plot(xs, [p["differentiate_s"] for p in pts], ":", color=ax.lines[-1].get_color(), alpha=0.7,
                    label=f"{family}: differentiate")
        ax2.plot(xs, [p["instructions_per_s"] for p in pts], markers.get(family, "x-"), label=family)
    lo = min(p["instructions"] for pts in series.values() for p in pts)
    hi = max(p["instructions"] for pts in series.values() for p in pts)
    ref = [p for pts in series.values() for p in pts if p["instructions"] == lo][0]["total_s"]
    ax.plot([lo, hi], [ref, ref * hi / lo], "k--", lw=0.7, label="linear")
    for a in (ax, ax2):
        a.set_xscale("log")
        a.set_yscale("log")
        a.set_xlabel("instructions in the input module")
        a.grid(True, which="both", lw=0.3)
        a.legend(fontsize=7)
    ax.set_ylabel("seconds (parse + differentiate + print)")
    ax2.set_ylabel("input instructions per second")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return None


def save_partial(opts, series, failures, stopped) -> None:
    """The points so far, so that a run stopped halfway leaves its measurements."""
    (opts.out / f"{opts.name}.json").write_text(portable(json.dumps(
        {"compiler": opts.cc, "partial": True, "points": series, "failures": failures, "stopped": stopped},
        indent=1) + "\n"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cc", default="clang-22")
    ap.add_argument("--families", default="functions,straight,branches", help="comma-separated: " + ", ".join(FAMILIES))
    ap.add_argument("--no-kernels", action="store_true", help="leave out the benchmark kernels as real points")
    ap.add_argument("--max-instructions", type=int, default=100_000)
    ap.add_argument("--budget", type=float, default=300.0, help="stop a family after a point slower than this (s)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--name", default="transform_speed")
    ap.add_argument("--measure", type=Path, help="measure this .ll file only, print the result as JSON")
    opts = ap.parse_args(argv)
    if opts.measure:
        print(json.dumps(measure(opts.measure.read_text(), opts.measure.name, opts.runs)))
        return 0
    opts.out.mkdir(parents=True, exist_ok=True)
    from run_bench import engine_info, stale_warning

    engine = engine_info()  # the engine these runs use (a subprocess and a tree hash)
    stale_warning(engine, "[transform]")
    started = time.perf_counter()
    series: dict[str, list[dict]] = {}
    failures: list[dict] = []
    stopped: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="transform-speed-") as tmp:
        tmpdir = Path(tmp)
        for family in opts.families.split(","):
            gen, per_unit = FAMILIES[family]
            series[family] = []
            sizes_done: set[int] = set()
            for target in (t for t in TARGETS if t <= opts.max_instructions):
                size = max(1, round(target / per_unit))
                if size in sizes_done:
                    continue
                sizes_done.add(size)
                predicted = predict(series[family], target)
                if predicted > opts.budget:
                    stopped.append({"family": family, "size": size, "target": target, "predicted_s": round(predicted)})
                    print(f"[transform] {family} {size}: skipped, predicted {predicted:.0f} s > --budget",
                          file=sys.stderr, flush=True)
                    break
                src = tmpdir / f"{family}{size}.c"
                src.write_text(gen(size))
                ll = src.with_suffix(".ll")
                compile_c(opts.cc, src, ll)
                try:
                    point = with_command({"family": family, "size": size, **measure_fresh(ll, opts.runs)}, ll, opts.runs)
                except Exception as exc:  # an engine failure is a result: record it, stop the family
                    failures.append({"family": family, "size": size, "error": f"{type(exc).__name__}: {exc}"})
                    print(f"[transform] {family} {size}: FAILED: {failures[-1]['error']}", file=sys.stderr)
                    break
                series[family].append(point)
                per_unit = point["instructions"] / size
                print(f"[transform] {family:9s} {size:6d}: {point['instructions']:7d} instructions, "
                      f"parse {point['parse_s']:.3f} s, differentiate {point['differentiate_s']:.3f} s, "
                      f"print {point['print_s']:.3f} s: {point['instructions_per_s']:.0f} instructions/s; "
                      f"whole command {point['command_s']:.3f} s",
                      file=sys.stderr, flush=True)
                save_partial(opts, series, failures, stopped)
                if point["total_s"] > opts.budget:
                    break
        if not opts.no_kernels:
            from run_bench import KERNELS, KERNELS_DIR

            series["kernels"] = []
            for name, (source, defines, _) in KERNELS.items():
                ll = tmpdir / f"{name}.ll"
                compile_c(opts.cc, KERNELS_DIR / source, ll, defines)
                try:
                    point = with_command({"family": "kernels", "size": name, **measure_fresh(ll, opts.runs)}, ll, opts.runs)
                except Exception as exc:
                    failures.append({"family": "kernels", "size": name, "error": f"{type(exc).__name__}: {exc}"})
                    print(f"[transform] kernel {name}: FAILED: {failures[-1]['error']}", file=sys.stderr)
                    continue
                series["kernels"].append(point)
                print(f"[transform] kernel {name:12s}: {point['instructions']:6d} instructions, "
                      f"{point['total_s']:.3f} s", file=sys.stderr, flush=True)
        series["kernels"] = sorted(series.get("kernels", []), key=lambda p: p["instructions"])

    fits = {family: {phase: fit_exponent(pts, f"{phase}_s") for phase in ("total", "parse", "differentiate", "print")}
            for family, pts in series.items() if family != "kernels"}
    fits_cpu = {family: {phase: fit_exponent(pts, f"{phase}_cpu_s")
                         for phase in ("total", "parse", "differentiate", "print")}
                for family, pts in series.items() if family != "kernels"}
    result = {"compiler": opts.cc, "engine": engine, "python": sys.version.split()[0],
              "total_s": round(time.perf_counter() - started, 1), "exponents": fits, "exponents_cpu": fits_cpu, "points": series,
              "stopped": stopped,
              "failures": failures}
    (opts.out / f"{opts.name}.json").write_text(portable(json.dumps(result, indent=1) + "\n"))

    lines = ["| family | size | instructions | parse | differentiate | print | total | total (CPU) | instructions/s "
             "| whole command | instructions/s (command) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for family, pts in series.items():
        for p in pts:
            lines.append(f"| {family} | {p['size']} | {p['instructions']} | {p['parse_s']:.3f} s | "
                         f"{p['differentiate_s']:.3f} s | {p['print_s']:.3f} s | {p['total_s']:.3f} s | {p['total_cpu_s']:.3f} s | "
                         f"{p['instructions_per_s']:.0f} | {p['command_s']:.3f} s | {p['command_instructions_per_s']:.0f} |")
    lines.append("")
    for family, fit in fits.items():
        shown = ", ".join(f"{k} {v:.2f}" for k, v in fit.items() if v is not None) or "too few points"
        shown_cpu = ", ".join(f"{k} {v:.2f}" for k, v in fits_cpu[family].items() if v is not None) or "-"
        lines.append(f"- growth exponent b, {family} (time ~ instructions^b, points >= 1000 instructions): "
                     f"wall: {shown}; CPU: {shown_cpu}")
    for f in failures:
        lines.append(f"- FAILED: {f['family']} {f['size']}: {f['error']}")
    for st in stopped:
        lines.append(f"- {st['family']}: stopped before ~{st['target']} instructions, predicted {st['predicted_s']} s "
                     f"> --budget {opts.budget:.0f} s")
    lines.append(f"- {opts.cc} -O2 modules; times are the fastest of up to {opts.runs} runs; "
                 f"took {result['total_s']:.0f} s")
    table = "\n".join(lines) + "\n"
    (opts.out / f"{opts.name}.md").write_text(table)
    note = plot(series, opts.out / f"{opts.name}.png", f"enzyme-compat: parse + differentiate + print ({opts.cc} -O2)")
    print(table)
    if note:
        print(note, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
