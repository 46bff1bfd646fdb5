"""Seeded mutation fuzzer for the parser and printer.

Every input must either raise a located ``EnzymeCompatError`` (ParseError, ConversionError)
or parse into a module that prints for a few releases and whose output parses again. Any
other exception, or a run longer than ``--timeout`` seconds, is a failure: the input is
minimized (delta debugging on lines, then on tokens, keeping the same failure signature:
stage, exception type and innermost enzyme_compat frame) and saved as
``tests/fuzz_regressions/NNN.ll``, one file per new signature.

Seeds: the real-code corpus built by tests/realcode.py (``$ENZYME_COMPAT_CACHE/corpus``, else
``$XDG_CACHE_HOME/enzyme_compat/corpus`` or ``~/.cache/enzyme_compat/corpus``, if present;
large modules are cut into one function plus the globals it names), the bundled example,
tests/ir_cases.py and tests/bad_ir/*.ll. Input ``i`` of a run depends only on ``--seed``,
``i`` and the seed corpus, never on ``--jobs``.

    python tools/fuzz_parser.py --count 2000 --seed 1 --jobs 2
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import traceback
from collections import Counter
from multiprocessing.connection import wait
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

REGRESSIONS = REPO / "tests" / "fuzz_regressions"
RELEASES = tuple(range(7, 24))
APT_RELEASES = (13, 14, 15, 16, 19, 22)  # llvm-as-N on PATH for --llvm-check
MAX_SEED_CHARS = 12_000
TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[%@!#$]?[-\w.$]+|\s+|.', re.S)
GLOBAL_REF = re.compile(r'@(?:"[^"]*"|[-\w.$]+)')
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?|0x[0-9A-Fa-f]+")
INTERESTING_NUMBERS = ("0", "-1", "1", "7", "31", "32", "63", "64", "255", "65536", "2147483647",
                       "-2147483648", "4294967296", "18446744073709551616", "9" * 400, "1e308",
                       "1.0e-320", "0x7FF8000000000000", "0xK7FFF8000000000000000", "0xH7C00",
                       "0xR7F80", "0xFFFFFFFFFFFFFFFFFFFF", "-0.0", "16777216", "4096")
ODD_TEXT = ("\x00", "\r", "\r\n", "\t", "\x0b", "\x0c", "\x7f", "\u00e9", "\u00a0", "\u2028", "\ufeff",
            "\U0001f600", "\\", "\\00", "\\ff", '"', "'", ";", "!", "#", "$", "%", "@", "<", ">", "{",
            "}", "[", "]", "(", ")", ",", "=", "*", "...", "x", "-", ".")
BRACKETS = "()[]{}<>"
RECURSION_HEADROOM = 1000  # frames available to the code under test (Python's default limit)
LINKAGE = re.compile(r" (?:internal|private|linkonce_odr|linkonce|weak_odr|weak|available_externally"
                     r"|common|appending|extern_weak)(?= )| comdat(?:\([^)]*\))?")


class Timeout(Exception):
    pass


# ---------------------------------------------------------------------------- seed corpus

def corpus_dir() -> Path:
    if os.environ.get("ENZYME_COMPAT_CACHE"):
        return Path(os.environ["ENZYME_COMPAT_CACHE"]) / "corpus"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "enzyme_compat" / "corpus"


def split_module(text: str) -> list[str]:
    """Cut a large module into small ones: each function definition with the top-level
    lines it needs (everything but other definitions and unreferenced globals/declares)."""
    lines = text.split("\n")
    header, functions, i = [], [], 0
    while i < len(lines):
        if lines[i].startswith("define "):
            j = i
            while j < len(lines) and lines[j] != "}":
                j += 1
            functions.append("\n".join(lines[i:j + 1]))
            i = j + 1
        else:
            header.append(lines[i])
            i += 1
    named = {}  # @name -> index in header of the global, alias or declare that defines it
    for k, line in enumerate(header):
        m = re.match(r'(@(?:"[^"]*"|[-\w.$]+)) =|declare [^@]*(@(?:"[^"]*"|[-\w.$]+))', line)
        if m:
            named[m.group(1) or m.group(2)] = k
    for fn in functions:  # other functions are named through a declaration
        m = re.match(r'define ([^@]*)(@(?:"[^"]*"|[-\w.$]+))(.*?)\{?$', fn.split("\n", 1)[0])
        if m and m.group(2) not in named:
            named[m.group(2)] = len(header)
            header.append(re.sub(LINKAGE, " ", f"declare {m.group(1)}{m.group(2)}{m.group(3)}").rstrip())
    pieces = []
    for fn in functions:
        want, todo = set(), set(GLOBAL_REF.findall(fn))
        own = named.get(GLOBAL_REF.search(fn).group(0))
        if own is not None:
            want.add(own)  # never declare the function being defined
        while todo:
            k = named.get(todo.pop())
            if k is not None and k not in want:
                want.add(k)
                todo |= set(GLOBAL_REF.findall(header[k]))
        keep = [line for k, line in enumerate(header) if k in want and k != own or line[:1] != "@" and not line.startswith("declare ")]
        pieces.append("\n".join(keep + [fn, ""]))
    return pieces


def load_seeds() -> list[tuple[str, str]]:
    """(name, text) pairs, small enough to fuzz quickly, in a stable order."""
    seeds = []
    def add(name, text):
        if len(text) <= MAX_SEED_CHARS:
            seeds.append((name, text))
        elif "\ndefine " in text:
            for k, piece in enumerate(split_module(text)):
                if len(piece) <= MAX_SEED_CHARS:
                    seeds.append((f"{name}#{k}", piece))
    root = corpus_dir() / "ir"
    if root.is_dir():
        for path in sorted(root.rglob("*.ll")):
            add(str(path.relative_to(root)), path.read_text(encoding="utf-8", errors="replace"))
    add("examples/dot.ll", (REPO / "enzyme_compat" / "examples" / "dot.ll").read_text())
    try:
        sys.path.insert(0, str(REPO / "tests"))
        import ir_cases
        for name in sorted(ir_cases.CASES):
            add(f"ir_cases:{name}", ir_cases.CASES[name][0])
    except Exception:  # noqa: BLE001 - the seed corpus is best effort
        pass
    for path in sorted((REPO / "tests" / "bad_ir").glob("*.ll")):
        add(f"bad_ir/{path.name}", path.read_text(encoding="utf-8", errors="replace"))
    return seeds


# ------------------------------------------------------------------------------ mutation

def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def mutate(rng: random.Random, text: str, other: str, pool: list[str]) -> str:
    kind = rng.randrange(15)
    toks = tokens(text)
    if not toks:
        return text + rng.choice(ODD_TEXT)
    lines = text.split("\n")
    t = rng.randrange(len(toks))
    if kind == 0:  # delete a token
        del toks[t]
    elif kind == 1:  # duplicate a token
        toks.insert(t, toks[t])
    elif kind == 2:  # swap two tokens
        u = rng.randrange(len(toks))
        toks[t], toks[u] = toks[u], toks[t]
    elif kind == 3:  # replace a token by one from the corpus
        toks[t] = rng.choice(pool)
    elif kind == 4:  # delete lines
        a = rng.randrange(len(lines))
        del lines[a:a + rng.choice((1, 1, 1, 2, 5))]
        return "\n".join(lines)
    elif kind == 5:  # duplicate a line
        a = rng.randrange(len(lines))
        lines.insert(a, lines[a])
        return "\n".join(lines)
    elif kind == 6:  # swap two lines
        a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[a], lines[b] = lines[b], lines[a]
        return "\n".join(lines)
    elif kind == 7:  # truncate
        return text[:rng.randrange(len(text) + 1)]
    elif kind == 8:  # insert odd characters or random bytes decoded as latin-1/utf-8
        at = rng.randrange(len(text) + 1)
        if rng.random() < 0.5:
            junk = "".join(rng.choice(ODD_TEXT) for _ in range(rng.randint(1, 3)))
        else:
            junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8))).decode("utf-8", "replace")
        return text[:at] + junk + text[at:]
    elif kind == 9:  # flip a number
        nums = [k for k, tok in enumerate(toks) if NUMBER.fullmatch(tok.lstrip("%@!#"))]
        k = rng.choice(nums) if nums else t
        prefix = toks[k][:1] if toks[k][:1] in "%@!#" else ""
        toks[k] = prefix + (rng.choice(INTERESTING_NUMBERS) if rng.random() < 0.7
                            else str(int(rng.choice(("0", "1", "-1"))) + rng.randint(-3, 3)))
    elif kind == 10:  # break a string: drop or add a quote, add an escape
        strs = [k for k, tok in enumerate(toks) if tok.startswith('"')]
        k = rng.choice(strs) if strs else t
        s = toks[k]
        cut = rng.randrange(len(s) + 1)
        toks[k] = s[:cut] + rng.choice(("", '"', "\\", "\\0", "\\g", "\n")) + s[cut + 1:]
    elif kind == 11:  # break a bracket: drop, insert or change one
        br = [k for k, tok in enumerate(toks) if tok in BRACKETS]
        k = rng.choice(br) if br else t
        toks[k] = rng.choice(("", rng.choice(BRACKETS), toks[k] + toks[k]))
    elif kind == 12:  # splice: head of this module, tail of another
        other_lines = other.split("\n")
        return "\n".join(lines[:rng.randrange(len(lines) + 1)]
                         + other_lines[rng.randrange(len(other_lines) + 1):])
    elif kind == 13:  # repeat a token many times (deep nesting, long runs)
        toks[t] = toks[t] * rng.choice((20, 300, 3000))
    else:  # whitespace: drop or add whitespace between tokens
        ws = [k for k, tok in enumerate(toks) if tok.isspace()]
        if ws and rng.random() < 0.5:
            toks[rng.choice(ws)] = ""
        else:
            toks.insert(t, rng.choice((" ", "\n", "\t", "  ")))
    return "".join(toks)


class Generator:
    def __init__(self, seeds: list[tuple[str, str]], seed: int):
        self.seeds, self.seed = seeds, seed
        rng = random.Random(f"pool:{seed}")
        sample = [seeds[rng.randrange(len(seeds))][1] for _ in range(min(200, len(seeds)))]
        self.pool = sorted({tok for text in sample for tok in tokens(text) if not tok.isspace()})

    def input(self, i: int) -> tuple[str, str, tuple[int, ...]]:
        """Input number i of this run: (seed name, text, releases to print for)."""
        rng = random.Random(f"{self.seed}:{i}")
        name, text = self.seeds[rng.randrange(len(self.seeds))]
        other = self.seeds[rng.randrange(len(self.seeds))][1]
        for _ in range(1 + min(int(rng.expovariate(0.7)), 7)):
            text = mutate(rng, text, other, self.pool)
        return name, text, tuple(sorted(rng.sample(RELEASES, 3)))


# ---------------------------------------------------------------------------------- check

def _on_alarm(signum, frame):
    raise Timeout("input took longer than the time limit")


def innermost_frame(tb, recursion: bool = False) -> str:
    """'enzyme_compat/ir/parser.py:123 in parse_type' for the deepest frame in our code; for a
    RecursionError the function that recurs most (where the overflow hits is arbitrary)."""
    ours = []
    for fs in traceback.extract_tb(tb):
        path = Path(fs.filename)
        if "enzyme_compat" in path.parts:
            ours.append(("/".join(path.parts[path.parts.index("enzyme_compat"):]), fs.name, fs.lineno))
    if not ours:
        return "?"
    rel, name, line = ours[-1]
    if recursion:
        counts = Counter((f, n) for f, n, _ in ours)
        rel, name = min(counts, key=lambda k: (-counts[k], k))
        line = next(li for f, n, li in ours if (f, n) == (rel, name))
    return f"{rel}:{line} in {name}"


def _stack_depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame:
        frame, depth = frame.f_back, depth + 1
    return depth


def check(text: str, releases=RELEASES, limit: float = 5.0) -> dict:
    """Run one input. Returns {'outcome': 'parse_error'|'parsed', 'converted': n, 'refused': n}
    or, on a failure, {'outcome': 'failure', 'signature', 'error', 'where', 'traceback'}."""
    from enzyme_compat import parse
    from enzyme_compat.errors import EnzymeCompatError

    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    # the same recursion headroom wherever check runs (worker, pytest, --minimize), so a
    # minimized RecursionError input reproduces everywhere
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(_stack_depth() + RECURSION_HEADROOM)
    stage = "parse"
    try:
        try:
            module = parse(text, "fuzz.ll")
        except EnzymeCompatError:
            return {"outcome": "parse_error"}
        converted = refused = 0
        for n in releases:
            stage = f"to_text({n})"
            try:
                out = module.to_text(release=n)
            except EnzymeCompatError:
                refused += 1
                continue
            stage = f"reparse({n})"  # our own output must parse again ...
            again = parse(out, f"out{n}.ll")
            stage = f"reprint({n})"  # ... and print again for the same release
            again.to_text(release=n)
            converted += 1
        return {"outcome": "parsed", "converted": converted, "refused": refused}
    except BaseException as e:  # noqa: BLE001 - everything else is what we look for
        if isinstance(e, KeyboardInterrupt):
            raise
        where = innermost_frame(e.__traceback__, isinstance(e, RecursionError))
        kind = "hang" if isinstance(e, Timeout) else type(e).__name__
        stage_kind = re.sub(r"\(\d+\)", "", stage)
        return {"outcome": "failure", "stage": stage,
                "signature": f"{stage_kind}: {kind} at {where.split(':')[0]} {where.split(' in ')[-1]}"
                if kind != "hang" else f"{stage_kind}: hang",
                "error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:300],
                "where": where,
                "traceback": "".join(traceback.format_exception(e)[-12:])}
    finally:
        sys.setrecursionlimit(old_limit)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# ----------------------------------------------------------------------------- minimizing

def ddmin(items: list[str], fails, deadline: float) -> list[str]:
    """Remove chunks of items while `fails(candidate)` holds (ddmin, complements only)."""
    n = 2
    while len(items) >= 2 and time.monotonic() < deadline:
        size = math.ceil(len(items) / n)
        for start in range(0, len(items), size):
            candidate = items[:start] + items[start + size:]
            if fails(candidate):
                items, n = candidate, max(n - 1, 2)
                break
        else:
            if size == 1:
                break
            n = min(n * 2, len(items))
    return items


def minimize(text: str, releases, signature: str, limit: float, budget: float = 90.0) -> str:
    deadline = time.monotonic() + budget
    def same(candidate: str) -> bool:
        r = check(candidate, releases, limit)
        return r["outcome"] == "failure" and (r["signature"] == signature
                                              or "hang" in signature and "hang" in r["signature"])
    lines = ddmin(text.split("\n"), lambda c: same("\n".join(c)), deadline)
    toks = ddmin(tokens("\n".join(lines)), lambda c: same("".join(c)), deadline)
    return "".join(toks)


# ------------------------------------------------------------------------------- workers

def llvm_as(release: int, text: str) -> str | None:
    """None if `llvm-as-RELEASE` (apt) accepts text, else its first error lines."""
    r = subprocess.run([f"llvm-as-{release}", "-o", os.devnull], input=text.encode("utf-8", "surrogateescape"),
                       capture_output=True, timeout=60)
    return None if r.returncode == 0 else " | ".join(r.stderr.decode("utf-8", "replace").strip().split("\n")[:3])


def check_llvm(rng: random.Random, seed_name: str, text: str) -> dict | None:
    """For an input mutated from clang-N output that llvm-as-N still accepts: our output for
    N and for one other apt-installed release must be accepted too. Returns a finding or None."""
    from enzyme_compat import parse
    from enzyme_compat.errors import EnzymeCompatError

    m = re.match(r"clang(\d+)/", seed_name)
    if not m or not shutil.which(f"llvm-as-{m.group(1)}") or llvm_as(int(m.group(1)), text):
        return None
    source = int(m.group(1))
    module = parse(text, "fuzz.ll")
    for n in sorted({source, rng.choice(APT_RELEASES)}):
        if not shutil.which(f"llvm-as-{n}"):
            continue
        try:
            out = module.to_text(release=n)
        except EnzymeCompatError:
            continue
        error = llvm_as(n, out)
        if error:
            return {"release": n, "source": source, "error": error, "text": text, "seed_name": seed_name}
    return None


def _worker(conn, seed: int, limit: float, llvm_every: int = 0) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gen = Generator(load_seeds(), seed)
    check("define void @f() {\n  ret void\n}\n", RELEASES, limit=600.0)  # imports, plugin set-up
    conn.send("ready")
    parent = os.getppid()
    while True:
        while not conn.poll(5):
            if os.getppid() != parent:  # the fuzzer died: do not linger
                return
        msg = conn.recv()
        if msg is None:
            return
        if msg[0] == "run":
            name, text, releases = gen.input(msg[1])
            result = check(text, releases, limit)
            if result["outcome"] == "failure":
                result.update(text=text, seed_name=name, releases=releases)
            elif result["outcome"] == "parsed" and llvm_every and msg[1] % llvm_every == 0:
                try:
                    result["llvm"] = check_llvm(random.Random(f"llvm:{seed}:{msg[1]}"), name, text)
                except Exception as e:  # noqa: BLE001 - an oracle problem is not a parser failure
                    result["llvm"] = {"release": 0, "error": f"oracle: {e!r}", "text": text, "seed_name": name}
            conn.send((msg[1], result))
        else:  # ("min", text, releases, signature)
            conn.send(minimize(msg[1], msg[2], msg[3], limit))


class Pool:
    """J worker processes; the parent kills one that overruns the time limit by far."""

    def __init__(self, jobs: int, seed: int, limit: float, llvm_every: int = 0):
        self.seed, self.limit, self.llvm_every = seed, limit, llvm_every
        self.ctx = mp.get_context("fork" if sys.platform != "win32" else "spawn")
        self.workers = [self._start() for _ in range(jobs)]

    def _start(self):
        parent, child = self.ctx.Pipe()
        p = self.ctx.Process(target=_worker, args=(child, self.seed, self.limit, self.llvm_every), daemon=True)
        p.start()
        if not parent.poll(600) or parent.recv() != "ready":  # seeds loaded; the clock may start
            raise RuntimeError("fuzz worker did not start")
        return {"proc": p, "conn": parent, "task": None, "since": 0.0}

    def _replace(self, w):
        w["proc"].kill()
        w["proc"].join()
        self.workers[self.workers.index(w)] = self._start()

    def map_inputs(self, indices, grace: float):
        """Yield (i, result) for every index; a worker that does not answer within
        limit + grace seconds (an uninterruptible hang) is replaced."""
        todo = list(indices)[::-1]
        busy = 0
        while todo or busy:
            for w in self.workers:
                if w["task"] is None and todo:
                    w["task"], w["since"] = todo.pop(), time.monotonic()
                    w["conn"].send(("run", w["task"]))
                    busy += 1
            ready = wait([w["conn"] for w in self.workers if w["task"] is not None], timeout=1.0)
            for w in list(self.workers):
                if w["task"] is None:
                    continue
                if w["conn"] in ready:
                    i, result = w["conn"].recv()
                    w["task"] = None
                    busy -= 1
                    yield i, result
                elif time.monotonic() - w["since"] > self.limit + grace:
                    i = w["task"]
                    self._replace(w)
                    busy -= 1
                    yield i, {"outcome": "failure", "signature": "hang (killed)", "stage": "?",
                              "error": f"no answer within {self.limit + grace:.0f} s; worker killed",
                              "where": "?", "traceback": ""}

    def minimize(self, text, releases, signature, timeout: float) -> str:
        w = self.workers[0]
        w["conn"].send(("min", text, releases, signature))
        if w["conn"].poll(timeout):
            return w["conn"].recv()
        self._replace(w)
        return text

    def close(self):
        for w in self.workers:
            try:
                w["conn"].send(None)
            except OSError:
                pass
            w["proc"].join(timeout=5)
            if w["proc"].is_alive():
                w["proc"].kill()


def save_regression(text: str, result: dict, seed: int, i: int) -> Path:
    REGRESSIONS.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.stem) for p in REGRESSIONS.glob("*.ll") if p.stem.isdigit()]
    path = REGRESSIONS / f"{max(numbers, default=0) + 1:03d}.ll"
    header = regression_header(result, result.get("releases", RELEASES)) + [
        f"; found by: python tools/fuzz_parser.py --seed {seed} (input {i}, "
        f"mutated from {result.get('seed_name', '?')})"]
    path.write_text("\n".join(header) + "\n" + text, encoding="utf-8", errors="surrogateescape")
    return path


def report_llvm(finding: dict, i: int, seed: int, save: bool, log) -> None:
    """Real LLVM rejects our output for an input it accepts: log it, keep the input."""
    log(f"LLVM REJECTS: input {i} (from {finding['seed_name']}) accepted by llvm-as-{finding.get('source')}, "
        f"our output for {finding['release']} rejected: {finding['error']}", flush=True)
    if save:
        folder = REGRESSIONS / "llvm_rejects"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"seed{seed}-{i}.ll").write_text(
            f"; llvm-as-{finding['release']} rejects our output for release {finding['release']}: "
            f"{finding['error']}\n".replace("\n", " ", finding["error"].count("\n")) + finding["text"],
            encoding="utf-8", errors="surrogateescape")


def reminimize(path: Path, limit: float, budget: float = 100.0) -> str:
    """Minimize a saved regression again (e.g. after the signature rules changed), in place."""
    lines = path.read_text(encoding="utf-8", errors="surrogateescape").split("\n")
    header = [line for line in lines[:5] if line.startswith("; ")]
    body = "\n".join(lines[len(header):])
    m = re.search(r"releases ([\d ]+)", "\n".join(header))
    releases = tuple(int(n) for n in m.group(1).split()) if m else RELEASES
    result = check(body, releases, limit)
    if result["outcome"] != "failure":
        return f"{path.name}: no longer fails ({result['outcome']})"
    small = minimize(body, releases, result["signature"], limit, budget)
    if check(small, releases, limit)["outcome"] != "failure":
        small = body
    result = check(small, releases, limit)
    found = next((line for line in header if line.startswith("; found by:")), "; found by: ?")
    path.write_text("\n".join(regression_header(result, releases) + [found]) + "\n" + small,
                    encoding="utf-8", errors="surrogateescape")
    return f"{path.name}: {result['signature']} ({len(body)} -> {len(small)} chars)"


def regression_header(result: dict, releases) -> list[str]:
    return [f"; fuzz regression: {result['signature']}",
            f"; stage: {result['stage']}, releases {' '.join(map(str, releases))}",
            f"; error: {result['error']}".replace("\n", " "),
            f"; at: {result['where']}"]


def signature_of(path: Path) -> str | None:
    """The failure signature a saved regression's header names."""
    first = path.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
    return first[len("; fuzz regression: "):] if first.startswith("; fuzz regression: ") else None


def known_signatures() -> set[str]:
    return {signature_of(path) for path in REGRESSIONS.glob("*.ll")} - {None}


def run(count: int, seed: int, jobs: int, limit: float, save: bool, log=print, llvm_every: int = 0) -> dict:
    pool = Pool(jobs, seed, limit, llvm_every)
    stats = {"inputs": 0, "parse errors": 0, "parsed": 0, "converted": 0, "refused": 0, "failures": 0,
             "llvm checked": 0, "llvm rejects": 0}
    first = {}  # signature -> (i, result)
    counts = {}
    start = time.monotonic()
    try:
        for i, result in pool.map_inputs(range(count), grace=10.0):
            stats["inputs"] += 1
            if result["outcome"] == "parse_error":
                stats["parse errors"] += 1
            elif result["outcome"] == "parsed":
                stats["parsed"] += 1
                stats["converted"] += result["converted"]
                stats["refused"] += result["refused"]
                if "llvm" in result:
                    stats["llvm checked"] += 1
                    if result["llvm"]:
                        stats["llvm rejects"] += 1
                        report_llvm(result["llvm"], i, seed, save, log)
            else:
                stats["failures"] += 1
                sig = result["signature"]
                counts[sig] = counts.get(sig, 0) + 1
                if sig not in first or i < first[sig][0]:
                    first[sig] = (i, result)
            if stats["inputs"] % 5000 == 0:
                log(f"[{time.monotonic() - start:.0f}s] {stats}", flush=True)
        known = known_signatures() if save else set()
        for sig, (i, result) in sorted(first.items(), key=lambda kv: kv[1][0]):
            log(f"FAILURE x{counts[sig]}: {sig}\n  first: input {i} (from {result.get('seed_name')}), "
                f"stage {result['stage']}: {result['error']}\n  at {result['where']}\n"
                + "".join("    " + line + "\n" for line in result["traceback"].rstrip().splitlines()[-8:]),
                flush=True)
            if "text" not in result:  # the worker was killed: make the input again here
                result["seed_name"], result["text"], result["releases"] = Generator(load_seeds(), seed).input(i)
            if save and sig not in known:
                small = pool.minimize(result["text"], result["releases"], sig, timeout=150.0)
                path = save_regression(small, result, seed, i)
                log(f"  saved {path.relative_to(REPO)} ({len(result['text'])} -> {len(small)} chars)",
                    flush=True)
    finally:
        pool.close()
    stats["signatures"] = {sig: counts[sig] for sig in first}
    stats["seconds"] = round(time.monotonic() - start, 1)
    return stats


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--timeout", type=float, default=5.0, help="per-input time limit, seconds")
    ap.add_argument("--llvm-check", type=int, default=0, metavar="K",
                    help="every K-th input that parses and was mutated from clang-N output: if llvm-as-N "
                         "accepts it, our printed output must be accepted too (0 = off)")
    ap.add_argument("--no-save", action="store_true", help="do not write tests/fuzz_regressions/")
    ap.add_argument("--minimize", nargs="+", type=Path, metavar="FILE",
                    help="only minimize these saved regressions again, in place")
    args = ap.parse_args(argv)
    if args.minimize:
        for path in args.minimize:
            print(reminimize(path, args.timeout), flush=True)
        return 0
    s = run(args.count, args.seed, args.jobs, args.timeout, save=not args.no_save, llvm_every=args.llvm_check)
    print(f"inputs: {s['inputs']}, parse errors: {s['parse errors']}, converted: {s['parsed']}, "
          f"failures: {s['failures']}  (conversions {s['converted']}, refused {s['refused']}, "
          f"{len(s['signatures'])} distinct, {s['seconds']} s"
          + (f"; llvm-checked {s['llvm checked']}, llvm rejects our output {s['llvm rejects']}" if args.llvm_check else "")
          + ")")
    return 1 if s["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
