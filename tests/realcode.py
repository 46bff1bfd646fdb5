"""Real-code corpus: C libraries that nobody on this project wrote, compiled to textual IR.

The C sources come from sdists on PyPI (fetched with ``pip download``):

* ``lupa==2.8`` bundles the Lua 5.4 interpreter (third-party/lua54: 33 translation units,
  ~26k lines; ``onelua.c`` is the all-in-one build and ``ltests.c`` is debug-only, both left out);
* ``lz4==4.4.5`` bundles the LZ4 library (lz4libs: 4 translation units, ~7.5k lines of
  bit-twiddling, hashing and hot loops that -O2 vectorizes).

Each translation unit is compiled by every installed ``clang-N`` (N in RELEASES) at -O0 and
-O2 with ``-S -emit-llvm``. Everything is cached under ``$ENZYME_COMPAT_CACHE/corpus``
(default ``$XDG_CACHE_HOME/enzyme_compat`` else ``~/.cache/enzyme_compat``); nothing
generated here belongs in the repository.

Run ``python tests/realcode.py`` to build the whole corpus and print its size and build time.
Anything missing (no network, no clang) raises ``Unavailable`` with a reason a test can skip on.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

RELEASES = (13, 14, 15, 16, 19, 22)
OPT_LEVELS = ("O0", "O2")


@dataclass(frozen=True)
class Source:
    name: str
    requirement: str  # pinned, so the corpus is the same everywhere
    subdir: str  # folder inside the sdist that holds the C files
    exclude: frozenset = frozenset()
    env: tuple = ()  # extra environment for pip (metadata preparation runs setup.py)


SOURCES = (
    # LUPA_NO_BUNDLE keeps lupa's setup.py from building LuaJIT while pip prepares metadata
    # (3 minutes otherwise); the sdist still contains all bundled sources.
    Source("lua54", "lupa==2.8", "third-party/lua54", frozenset({"onelua.c", "ltests.c"}),
           (("LUPA_NO_BUNDLE", "true"),)),
    Source("lz4", "lz4==4.4.5", "lz4libs"),
)


class Unavailable(Exception):
    """The corpus (or part of it) cannot be had here; str() is the reason."""


@dataclass(frozen=True)
class Module:
    clang: int
    opt: str
    source: str
    cfile: Path

    @property
    def id(self) -> str:
        return f"clang{self.clang}-{self.opt}-{self.source}-{self.cfile.stem}"

    @property
    def path(self) -> Path:
        return corpus_dir() / "ir" / f"clang{self.clang}" / self.opt / self.source / f"{self.cfile.stem}.ll"


def cache_root() -> Path:
    if os.environ.get("ENZYME_COMPAT_CACHE"):
        return Path(os.environ["ENZYME_COMPAT_CACHE"])
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "enzyme_compat"


def corpus_dir() -> Path:
    return cache_root() / "corpus"


def tool(name: str, release: int) -> str | None:
    """Path of ``name-release`` (e.g. ``llvm-as-15``) on PATH, or None."""
    return shutil.which(f"{name}-{release}")


def installed_clangs() -> list[int]:
    return [n for n in RELEASES if tool("clang", n)]


def fetch(src: Source) -> Path:
    """Folder with the source's C files, downloading and extracting the sdist once."""
    dest = corpus_dir() / "src" / src.name
    stamp = dest / ".complete"
    if stamp.exists():
        return dest
    dl = corpus_dir() / "sdist"
    dl.mkdir(parents=True, exist_ok=True)
    dist, version = src.requirement.split("==")
    sdists = sorted(dl.glob(f"{dist}-{version}.tar.gz"))
    if not sdists:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", dist,
               "--disable-pip-version-check", "-q", "-d", str(dl), src.requirement]
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=900,
                               env={**os.environ, **dict(src.env)})
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise Unavailable(f"pip download {src.requirement} failed: {exc}") from None
        sdists = sorted(dl.glob(f"{dist}-{version}.tar.gz"))
        if r.returncode or not sdists:
            last = (r.stderr.strip().splitlines() or ["no output"])[-1]
            raise Unavailable(f"pip download {src.requirement} failed (exit {r.returncode}): {last}")
    prefix = f"{dist}-{version}/{src.subdir}/"
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with tarfile.open(sdists[0]) as tar:
        for member in tar.getmembers():
            rel = member.name[len(prefix):]
            if (member.isfile() and member.name.startswith(prefix) and "/" not in rel
                    and rel.endswith((".c", ".h"))):
                (tmp / rel).write_bytes(tar.extractfile(member).read())
    if not any(tmp.glob("*.c")):
        raise Unavailable(f"{sdists[0].name} has no C files under {src.subdir}")
    (tmp / ".complete").write_text(src.requirement + "\n")
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    return dest


def translation_units() -> list[tuple[str, Path]]:
    """(source name, C file) of every translation unit, in a stable order."""
    units = []
    for src in SOURCES:
        folder = fetch(src)
        units += [(src.name, c) for c in sorted(folder.glob("*.c")) if c.name not in src.exclude]
    return units


def all_modules(clangs=None) -> list[Module]:
    """Every (clang, opt level, translation unit); not necessarily compiled yet."""
    clangs = installed_clangs() if clangs is None else clangs
    units = translation_units()
    return [Module(n, o, s, c) for n in clangs for o in OPT_LEVELS for s, c in units]


def compile_module(mod: Module) -> Path:
    """The module's .ll file, compiling it with its clang on first use."""
    out = mod.path
    if out.exists():
        return out
    fetch(next(s for s in SOURCES if s.name == mod.source))
    clang = tool("clang", mod.clang)
    if clang is None:
        raise Unavailable(f"clang-{mod.clang} is not installed (apt-get install clang-{mod.clang})")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".{os.getpid()}.tmp")
    cmd = [clang, f"-{mod.opt}", "-S", "-emit-llvm", "-w", str(mod.cfile), "-o", str(tmp)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{r.stderr}")
    tmp.replace(out)
    return out


def build(jobs: int | None = None) -> list[Path]:
    """Compile the whole corpus (cached); returns the .ll files."""
    mods = all_modules()
    if not mods:
        raise Unavailable(f"no clang-N installed for N in {RELEASES}")
    with ThreadPoolExecutor(jobs or os.cpu_count() or 1) as pool:
        return list(pool.map(compile_module, mods))


# --- checking a conversion against the real LLVM of the target release -------------------

_STRINGS_AND_COMMENTS = re.compile(r'"[^"]*"|;[^\n]*')
_PTR = re.compile(r'(?<![\w.$%@!"-])ptr(?![\w.])')


def uses_opaque_pointers(text: str) -> bool:
    return bool(_PTR.search(_STRINGS_AND_COMMENTS.sub("", text)))


def pointer_flags(release: int, text: str) -> list[str]:
    """LLVM 14 reads ``ptr`` only with -opaque-pointers (llvm-versions.md section 1.4)."""
    return ["-opaque-pointers"] if release == 14 and uses_opaque_pointers(text) else []


@dataclass
class Outcome:
    ok: bool
    stage: str = ""  # parse | print | llvm-as | verify | roundtrip | tools
    message: str = ""

    @property
    def first_line(self) -> str:
        lines = [ln for ln in self.message.splitlines() if ln.strip()]
        return lines[0] if lines else ""


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True)


def _disassembled(release: int, ll: Path, flags: list[str], tmp: Path) -> tuple[str | None, str]:
    bc = tmp / (ll.stem + ".bc")
    r = _run([tool("llvm-as", release), *flags, str(ll), "-o", str(bc)])
    if r.returncode:
        return None, r.stderr
    r = _run([tool("llvm-dis", release), *flags, str(bc), "-o", "-"])
    if r.returncode:
        return None, r.stderr
    return "".join(ln for ln in r.stdout.splitlines(True) if not ln.startswith("; ModuleID")), ""


def check_text(out_text: str, target: int, source_release: int, input_path: Path) -> Outcome:
    """Does the real LLVM ``target`` accept ``out_text`` (our output)? When ``target`` is the
    release that produced the input, our output must also disassemble exactly like the input."""
    missing = [t for t in ("llvm-as", "opt", "llvm-dis") if tool(t, target) is None]
    if missing:
        return Outcome(False, "tools", f"{missing[0]}-{target} is not installed")
    flags = pointer_flags(target, out_text)
    with tempfile.TemporaryDirectory(prefix="realcode-") as tmp:
        tmp = Path(tmp)
        out = tmp / "out.ll"
        out.write_text(out_text, encoding="utf-8")
        r = _run([tool("llvm-as", target), *flags, str(out), "-o", os.devnull])
        if r.returncode:
            return Outcome(False, "llvm-as", r.stderr)
        r = _run([tool("opt", target), *flags, "-passes=verify", "-disable-output", str(out)])
        if r.returncode:
            return Outcome(False, "verify", r.stderr)
        if target != source_release:
            return Outcome(True)
        ours, err = _disassembled(target, out, flags, tmp)
        theirs, err2 = _disassembled(target, input_path,
                                     pointer_flags(target, input_path.read_text()), tmp)
        if ours is None or theirs is None:
            return Outcome(False, "roundtrip", err or err2)
        if ours != theirs:
            diff = difflib.unified_diff(theirs.splitlines(), ours.splitlines(),
                                        "llvm-dis(input)", "llvm-dis(ours)", n=0, lineterm="")
            return Outcome(False, "roundtrip", "\n".join(list(diff)[:40]))
    return Outcome(True)


def _error_text(exc: BaseException) -> str:
    import traceback

    from enzyme_compat.ir.errors import ParseError

    if isinstance(exc, ParseError):
        return str(exc)
    return "".join(traceback.format_exception(exc, limit=-3))


def parse_file(path: Path):
    """(parsed module, None) or (None, failed Outcome)."""
    import enzyme_compat

    text = path.read_text(encoding="utf-8")
    try:
        return enzyme_compat.parse(text, filename=str(path)), None
    except Exception as exc:  # a crash is a finding too, reported like a rejection
        return None, Outcome(False, "parse", _error_text(exc))


def check_conversion(parsed, mod: Module, target: int) -> Outcome:
    """Print ``parsed`` (the parse of ``mod``) for ``target`` and check it with LLVM ``target``."""
    try:
        text = parsed.to_text(release=target)
    except Exception as exc:
        return Outcome(False, "print", _error_text(exc))
    return check_text(text, target, mod.clang, mod.path)


def check_module(mod: Module, targets=RELEASES) -> dict[int, Outcome]:
    """Parse once, then convert to and check against every target."""
    parsed, failed = parse_file(compile_module(mod))
    return {t: failed or check_conversion(parsed, mod, t) for t in targets}


def main() -> int:
    start = time.perf_counter()
    try:
        paths = build()
    except Unavailable as why:
        print(f"corpus unavailable: {why}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} modules, {size / 1e6:.1f} MB of IR, clang {installed_clangs()}, "
          f"{len(translation_units())} translation units x {len(OPT_LEVELS)} opt levels, "
          f"{seconds:.1f} s (cached modules are not rebuilt), cache {corpus_dir()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
