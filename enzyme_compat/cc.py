"""`enzyme-compat cc`: a drop-in for "clang with an AD plugin".

    enzyme-compat cc [--cc CLANG] [--preopt] [--postopt] [--opt-release N] [--loose-types]
                     [--merge] [--keep-ir DIR] [-v] [clang arguments...] [-o OUT]

Each C/C++ source is compiled to textual IR by the real clang, every `__enzyme_*` call in
it is lowered by `ad.driver.differentiate_module`, the module is printed in the syntax of
that clang's release and compiled to an object by the same clang at the same -O level,
and the objects are linked by clang with the link flags. `.ll`/`.bc` inputs are
differentiated too; `.o`/`.a`/`.so` and other inputs go to the link as they are.
`--merge` links every differentiable input into one module first (`cc_merge`): a C driver
can then differentiate a function defined in a `.ll` from rustc or flang.

At -O0 clang marks every function `optnone`: the differentiator reads such functions as
they are, so plain -O0 builds need nothing special. `--preopt`/`--postopt` remove
`optnone` from the module (in the model, so it works the same for `.ll`/`.bc` inputs and
for compilers that hide `-Xclang`) before handing it to an optimizer; `noinline`, which
-O0 adds too, stays.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

from .errors import EnzymeCompatError

OLDEST, NEWEST = 7, 23  # the releases the reader and printer know


# ------------------------------------------------------------------ errors
class CcError(EnzymeCompatError):
    """A message for the user and the exit status to leave with."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


class CompilerMissing(CcError):
    """No usable compiler: the setup is wrong, not the input (exit 2)."""

    def __init__(self, message: str):
        super().__init__(f"enzyme-compat cc: error: {message}", exit_code=2)


class CompilerFailed(CcError):
    """clang said no: its own diagnostics are the message, its status the exit code."""

    def __init__(self, stderr: str, status: int, argv0: str):
        text = stderr.rstrip() or f"enzyme-compat cc: error: {argv0} failed with status {status}"
        super().__init__(text, exit_code=status if 0 < status < 256 else 1)


# ------------------------------------------------------- splitting clang's arguments
# Source languages we compile ourselves (by suffix; `-x LANG` overrides).
SOURCE_SUFFIXES = {".c": "c", ".i": "cpp-output", ".cc": "c++", ".cp": "c++", ".cpp": "c++",
                   ".cxx": "c++", ".c++": "c++", ".C": "c++", ".CPP": "c++", ".ii": "c++-cpp-output"}
SOURCE_LANGS = frozenset(SOURCE_SUFFIXES.values())
IR_SUFFIXES = (".ll", ".bc")

# Flags whose value is the next argument when not joined (`-I dir` as well as `-Idir`).
COMPILE_WITH_VALUE = {"-I", "-D", "-U", "-include", "-imacros", "-isystem", "-iquote", "-idirafter",
                      "-iprefix", "-iwithprefix", "-iwithprefixbefore", "-isysroot", "-MF", "-MT", "-MQ",
                      "-Xclang", "-Xpreprocessor", "-mllvm", "-ivfsoverlay"}
LINK_WITH_VALUE = {"-L", "-l", "-Xlinker", "-T", "-u", "-z", "-e"}
BOTH_WITH_VALUE = {"-target", "--target", "--sysroot", "-arch", "-B", "--gcc-toolchain", "-resource-dir"}

# Output kind flags, and flags after which clang produces no object at all: those runs are
# handed to clang untouched (nothing to differentiate in a preprocessor run).
MODE_FLAGS = {"-c", "-S", "-emit-llvm"}
PASSTHROUGH = {"-E", "-fsyntax-only", "-M", "-MM", "-###", "--version", "-dumpversion",
               "-dumpmachine", "-print-search-dirs", "-print-libgcc-file-name", "-print-resource-dir"}

LINK_ONLY = {"-shared", "-static", "-static-pie", "-pie", "-no-pie", "-rdynamic", "-nostdlib",
             "-nodefaultlibs", "-nostartfiles", "-nolibc", "-static-libgcc", "-shared-libgcc",
             "-static-libstdc++", "-s", "-r"}
LINK_PREFIXES = ("-l", "-L", "-Wl,", "-fuse-ld=", "--ld-path=", "-rtlib=", "--rtlib=",
                 "-unwindlib=", "--unwindlib=")
# Meaningful to the compile and to the link (runtimes, crt files, LTO, the target).
BOTH_EXACT = {"-pthread", "-m32", "-m64", "-mx32", "--coverage", "-ffast-math", "-fno-fast-math",
              "-funsafe-math-optimizations", "-fopenmp", "-fno-openmp"}
BOTH_PREFIXES = ("-fsanitize", "-fno-sanitize", "-fprofile", "-fno-profile", "-flto", "-fno-lto",
                 "-fopenmp=", "--target=", "--sysroot=", "-stdlib=", "--gcc-toolchain=", "-B", "-O")
# What still matters when clang turns our IR into an object (the rest is in the IR already,
# and some flags make clang warn when the input is IR).
CODEGEN_EXACT = {"-fPIC", "-fpic", "-fPIE", "-fpie", "-fno-PIC", "-fno-pic", "-fno-PIE", "-fno-pie",
                 "-ffunction-sections", "-fno-function-sections", "-fdata-sections", "-fno-data-sections",
                 "-fno-plt", "-fplt", "-w"}
CODEGEN_PREFIXES = ("-O", "-m", "-g", "-flto", "-fno-lto", "--target=", "-target")


@dataclass
class Input:
    path: str
    kind: str  # "source" (C/C++), "ir" (.ll/.bc), "other" (objects, libraries, assembly, ...)
    lang: str | None = None  # set when a `-x LANG` governs the input

    @property
    def differentiable(self) -> bool:
        return self.kind in ("source", "ir")


@dataclass
class Build:
    """clang's command line, split into what each step of ours needs."""

    compile: list[str] = field(default_factory=list)  # C/C++ -> IR
    codegen: list[str] = field(default_factory=list)  # IR -> object
    link: list = field(default_factory=list)  # flags (str) and Inputs, in the user's order
    inputs: list[Input] = field(default_factory=list)
    output: str | None = None
    modes: set = field(default_factory=set)  # of MODE_FLAGS
    passthrough: bool = False

    @property
    def mode(self) -> str:
        """link | object | asm | ir | bitcode"""
        llvm = "-emit-llvm" in self.modes
        if "-S" in self.modes:
            return "ir" if llvm else "asm"
        if "-c" in self.modes:
            return "bitcode" if llvm else "object"
        if llvm:
            raise CcError("enzyme-compat cc: error: -emit-llvm needs -c or -S (it cannot be linked)")
        return "link"


def _input_kind(path: str, lang: str | None) -> str:
    if lang in SOURCE_LANGS:
        return "source"
    if lang == "ir":
        return "ir"
    if lang is not None:
        return "other"
    suffix = os.path.splitext(path)[1]
    if suffix in SOURCE_SUFFIXES:
        return "source"
    return "ir" if suffix in IR_SUFFIXES else "other"


def _role(flag: str) -> str:
    """compile | link | both: which of our steps a (joined) flag belongs to. Unknown flags
    go to both, as one clang invocation would have seen them in both roles."""
    if flag in LINK_ONLY or flag.startswith(LINK_PREFIXES):
        return "link"
    if flag in BOTH_EXACT or flag.startswith(BOTH_PREFIXES):
        return "both"
    if flag.startswith(("-I", "-D", "-U", "-std=", "-W", "-w", "-pedantic", "-ansi", "-f", "-m", "-g",
                        "-M", "-nostdinc", "-isystem", "-iquote", "-include", "-x")):
        return "compile"
    return "both"


def _is_codegen(flag: str) -> bool:
    return flag in CODEGEN_EXACT or (flag.startswith(CODEGEN_PREFIXES) and flag != "-mllvm")


def split_arguments(argv: list[str]) -> Build:
    """Classify clang's arguments (the order of flags and inputs is kept for the link)."""
    build = Build()
    lang = None
    args = iter(argv)
    for arg in args:
        if arg in PASSTHROUGH or arg.startswith(("-print-", "--print-")):
            build.passthrough = True
        elif arg in MODE_FLAGS:
            build.modes.add(arg)
        elif arg.startswith("-o") and not arg.startswith("-objc"):  # -o OUT, -oOUT
            build.output = arg[2:] or _value(args, arg)
        elif arg.startswith("-x"):  # -x LANG, -xLANG: the language of the inputs after it
            lang = arg[2:] or _value(args, arg)
            lang = None if lang == "none" else lang
        elif arg == "-":
            raise CcError("enzyme-compat cc: error: reading the source from stdin ('-') is not supported")
        elif not arg.startswith("-"):
            item = Input(arg, _input_kind(arg, lang), lang)
            build.inputs.append(item)
            build.link.append(item)
        else:
            value = _value(args, arg) if arg in COMPILE_WITH_VALUE | LINK_WITH_VALUE | BOTH_WITH_VALUE else None
            _place(build, arg, value)
    return build


def _value(args, flag: str) -> str:
    try:
        return next(args)
    except StopIteration:
        raise CcError(f"enzyme-compat cc: error: argument to '{flag}' is missing (expected 1 value)") from None


def _place(build: Build, flag: str, value: str | None) -> None:
    """Add a flag (and its separate value) to the steps it matters to."""
    words = [flag] if value is None else [flag, value]
    role = ("compile" if flag in COMPILE_WITH_VALUE else "link" if flag in LINK_WITH_VALUE
            else "both" if flag in BOTH_WITH_VALUE else _role(flag))
    if role in ("compile", "both"):
        build.compile += words
        if _is_codegen(flag) or flag == "-mllvm":
            build.codegen += words
    if role in ("link", "both"):
        build.link += words


def default_output(item: Input, mode: str) -> str:
    """clang's output name for one input compiled with -c / -S: the stem in the current folder."""
    stem = os.path.splitext(os.path.basename(item.path))[0]
    return stem + {"object": ".o", "asm": ".s", "ir": ".ll", "bitcode": ".bc"}[mode]


# ------------------------------------------------------------------ running commands
class Runner:
    """Runs compiler commands: `-v` echoes them; clang's warnings pass through, a failure
    becomes CompilerFailed carrying clang's own stderr and status."""

    def __init__(self, verbose: bool = False):
        self.verbose = verbose

    def say(self, text: str) -> None:
        if self.verbose:
            print(text, file=sys.stderr, flush=True)

    def run(self, cmd: list[str]) -> None:
        self.say("+ " + shlex.join(cmd))
        try:
            proc = subprocess.run(cmd, stderr=subprocess.PIPE, text=True, errors="replace")
        except OSError as e:
            raise CompilerMissing(f"cannot run {cmd[0]}: {e.strerror}") from None
        if proc.returncode != 0:
            raise CompilerFailed(proc.stderr, proc.returncode, cmd[0])
        sys.stderr.write(proc.stderr)

    def passthrough(self, cmd: list[str]) -> int:
        """A run with nothing to differentiate: clang does all of it, with our streams."""
        self.say("+ " + shlex.join(cmd))
        try:
            status = subprocess.run(cmd).returncode
        except OSError as e:
            raise CompilerMissing(f"cannot run {cmd[0]}: {e.strerror}") from None
        return status if 0 <= status < 256 else 1


# ------------------------------------------------------------------ the compiler
@dataclass(frozen=True)
class Compiler:
    cmd: tuple[str, ...]  # argv prefix, e.g. ("python", "-m", "ziglang", "cc")
    release: int  # the LLVM release whose syntax we print for it
    version: str  # as `--version` says, e.g. "22.1.8"

    def __str__(self) -> str:
        return shlex.join(self.cmd)


def probe_compiler(cmd: list[str]) -> tuple[int, str] | None:
    """(release, version) from `CMD --version` when CMD is a clang; None when it is not.
    Raises CompilerMissing when it cannot be run."""
    try:
        proc = subprocess.run([*cmd, "--version"], capture_output=True, text=True, errors="replace",
                              timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        reason = getattr(e, "strerror", None) or "no answer to --version"
        raise CompilerMissing(f"compiler `{shlex.join(cmd)}` not found ({reason})") from None
    m = re.search(r"\bclang version (\d+)\.(\d+)\.(\d+)", proc.stdout)
    if proc.returncode != 0 and not m:
        detail = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise CompilerMissing(f"compiler `{shlex.join(cmd)}` does not run: {detail}")
    if not m or proc.stdout.lstrip().startswith("Apple"):  # Apple's numbers are not LLVM's
        return None
    return int(m.group(1)), ".".join(m.groups())


def _clangs_on_path() -> list[str]:
    """`clang`, then `clang-N` on PATH from the newest N down."""
    found = {}
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            m = re.fullmatch(r"clang-(\d+)", name)
            if m and os.access(os.path.join(folder, name), os.X_OK):
                found.setdefault(int(m.group(1)), name)
    return (["clang"] if shutil.which("clang") else []) + [found[n] for n in sorted(found, reverse=True)]


def find_compiler(spec: str | None, runner: Runner) -> Compiler:
    """--cc (shlex-split), else $CC if it is a clang, else clang, else the newest clang-N."""
    if spec:
        cmd = shlex.split(spec)
        if not cmd:
            raise CompilerMissing("--cc names no compiler")
        return _checked(cmd, "--cc")
    candidates = []
    if os.environ.get("CC"):
        candidates.append(shlex.split(os.environ["CC"]))
    candidates += [[name] for name in _clangs_on_path()]
    for cmd in candidates:
        try:
            found = probe_compiler(cmd)
        except CompilerMissing:
            found = None
        if found is not None:
            return _compiler(cmd, *found)
        runner.say(f"enzyme-compat cc: `{shlex.join(cmd)}` is not a usable clang, skipped")
    cc_note = "$CC is not a clang, " if os.environ.get("CC") else ""
    raise CompilerMissing(f"no clang found ({cc_note}no clang or clang-N on PATH): install one or name it with --cc")


def _checked(cmd: list[str], origin: str) -> Compiler:
    found = probe_compiler(cmd)
    if found is None:
        raise CompilerMissing(f"`{shlex.join(cmd)}` (from {origin}) is not clang: its --version does not "
                              "say 'clang version N' (clang's -S -emit-llvm is needed)")
    return _compiler(cmd, *found)


def _compiler(cmd, release, version) -> Compiler:
    if release < OLDEST:
        raise CompilerMissing(f"`{shlex.join(cmd)}` is clang {version}: releases before {OLDEST} are not "
                              "supported")
    if release > NEWEST:
        print(f"enzyme-compat cc: warning: clang {version} is newer than LLVM {NEWEST}: its IR is read "
              f"and written as LLVM {NEWEST}'s", file=sys.stderr)
        release = NEWEST
    return Compiler(tuple(cmd), release, version)


# ------------------------------------------------------------------ optimizers
@dataclass(frozen=True)
class Optimizer:
    """LLVM's O2 pipeline of one release: `opt -O2` on a file, a clang of that release on
    IR input (`clang -O2 -S -emit-llvm -x ir`, the same pipeline), or a real LLVM from
    `enzyme_compat.toolchains` (`Toolchain.optimize`, in its worker process)."""

    release: int
    cmd: tuple[str, ...] = ()
    style: str = "opt"  # "opt" | "clang" | "toolchain"
    toolchain: object = None

    def __str__(self) -> str:
        if self.toolchain is not None:
            return f"LLVM {self.release} via {self.toolchain.source.name}"
        return f"{shlex.join(self.cmd)} (LLVM {self.release})"

    def run(self, text: str, folder: str, stem: str, runner: Runner) -> str:
        if self.toolchain is not None:
            runner.say(f"+ O2 pipeline of {self}")
            return self.toolchain.optimize(text, 2)
        src, dst = os.path.join(folder, f"{stem}.in.ll"), os.path.join(folder, f"{stem}.out.ll")
        _write(src, text)
        if self.style == "opt":
            runner.run([*self.cmd, "-O2", "-S", src, "-o", dst])
        else:
            # another release's clang may target another triple by default: no warning for
            # that, the module's own target is put back afterwards (see `optimize`)
            runner.run([*self.cmd, "-O2", "-S", "-emit-llvm", "-Wno-override-module", "-x", "ir", src, "-o", dst])
        return _read(dst)


def _tool_release(path: str) -> int | None:
    """The LLVM release an `opt` reports (`LLVM version 14.0.6`)."""
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"LLVM version (\d+)", out)
    return int(m.group(1)) if m else None


def _opts_on_path() -> list[int]:
    found = set()
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        try:
            found.update(int(m.group(1)) for m in map(re.compile(r"opt-(\d+)").fullmatch, os.listdir(folder or "."))
                         if m)
        except OSError:
            continue
    return sorted(found)


def _toolchain_optimizer(release: int) -> Optimizer | None:
    """An installed `enzyme_compat.toolchains` LLVM that can optimize (llvmlite's pass
    managers for 7..11, LLVM-C's LLVMRunPasses for 13..23, zig's clang for 12)."""
    from . import toolchains

    try:
        toolchain = toolchains.get(release)
    except toolchains.ToolchainError:
        return None
    return Optimizer(release, style="toolchain", toolchain=toolchain) if "optimize" in toolchain.capabilities \
        else None


def _no_optimizer_message(release: int, compiler: Compiler) -> str:
    from . import toolchains

    try:
        found = toolchains.installed_source(release)
        where = (f"LLVM {release} from {found[0].name} cannot optimize" if found
                 else toolchains.missing_message(release))
    except toolchains.ToolchainError as e:
        where = str(e)
    have = ", ".join(f"opt-{n}" for n in _opts_on_path()) or "none"
    return (f"enzyme-compat cc: error: --preopt/--postopt need an LLVM {release} optimizer: no opt-{release} "
            f"on PATH (Debian: apt-get install llvm-{release}), the compiler is LLVM {compiler.release}, and "
            f"{where}; optimizers on PATH: {have} (pick one with --opt-release N)")


def find_optimizer(release: int, compiler: Compiler) -> Optimizer:
    """`opt-N` on PATH (Debian's llvm-N), Debian's own folder, a plain `opt` of release N,
    the compiler itself when it is of release N, an installed toolchain N that optimizes."""
    for path in (shutil.which(f"opt-{release}"), f"/usr/lib/llvm-{release}/bin/opt"):
        if path and os.access(path, os.X_OK):
            return Optimizer(release, (path,), "opt")
    plain = shutil.which("opt")
    if plain and _tool_release(plain) == release:
        return Optimizer(release, (plain,), "opt")
    if compiler.release == release:
        return Optimizer(release, compiler.cmd, "clang")
    found = _toolchain_optimizer(release)
    if found is None:
        raise CcError(_no_optimizer_message(release, compiler))
    return found


def strip_optnone(module) -> None:
    """-O0 marks every function `optnone`, which would make an optimizer skip them all."""
    def keep(attr):
        return getattr(attr, "kind", None) != "optnone"

    for group in module.attr_groups.values():
        group.attrs = [a for a in group.attrs if keep(a)]
    for fn in module.functions:
        fn.fn_attrs = [a for a in fn.fn_attrs if keep(a)]


# ------------------------------------------------------------------ one input, end to end
def _read(path: str) -> str:
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return f.read()


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(text)


@dataclass
class Session:
    """What every step of one `cc` run shares."""

    compiler: Compiler
    runner: Runner
    tmp: str
    keep_dir: str | None = None
    preopt: bool = False
    postopt: bool = False
    optimizer: Optimizer | None = None
    loose_types: bool = False
    merge: bool = False

    def keep(self, name: str, text: str) -> None:
        """--keep-ir: leave a copy of an intermediate module in DIR."""
        if self.keep_dir is not None:
            _write(os.path.join(self.keep_dir, name), text)
            self.runner.say(f"enzyme-compat cc: kept {os.path.join(self.keep_dir, name)}")


def read_input(item: Input, build: Build, s: Session, stem: str, extra=()) -> tuple[object, str]:
    """The input as a parsed module: C/C++ through clang, bitcode disassembled by clang,
    textual IR read as it is (any release 7..23)."""
    from .ir.parser import parse

    ll = os.path.join(s.tmp, f"{stem}.ll")
    lang = ["-x", item.lang] if item.lang else []
    if item.kind == "source":
        s.runner.run([*s.compiler.cmd, *build.compile, *extra, "-S", "-emit-llvm", *lang, item.path, "-o", ll])
    elif item.path.endswith(".bc") or item.lang == "ir" and not item.path.endswith(".ll"):
        s.runner.run([*s.compiler.cmd, "-S", "-emit-llvm", "-Xclang", "-disable-llvm-passes", "-x", "ir",
                      item.path, "-o", ll])
    else:
        ll = item.path
    try:
        text = _read(ll)
    except OSError as e:
        raise CcError(f"{item.path}: error: cannot read input: {e.strerror}") from None
    if ll != item.path:
        s.keep(f"{stem}.ll", text)
    name = ll if ll == item.path else os.path.join(s.keep_dir, f"{stem}.ll") if s.keep_dir \
        else f"<IR of {item.path}>"
    return parse(text, name), text


def optimize(module, s: Session, stem: str, stage: str) -> tuple[object, str]:
    """The module through the optimizer, in the optimizer's release syntax and back."""
    from .ir.parser import parse

    with _ours_if_rejected(stem, f"the module given to the --{stage} optimizer"):
        text = s.optimizer.run(module.to_text(release=s.optimizer.release), s.tmp, f"{stem}.{stage}", s.runner)
    s.keep(f"{stem}.{stage}.ll", text)
    optimized = parse(text, f"<IR of {stem} after --{stage}>")
    # the target stays the frontend's: a clang-based optimizer writes its own default
    # triple, and a newer release upgrades the data layout string
    optimized.triple, optimized.datalayout = module.triple, module.datalayout
    return optimized, text


def differentiated(item: Input, build: Build, s: Session, stem: str, extra=(), read=read_input):
    """Read, (pre-optimize), lower every `__enzyme_*` call, (post-optimize)."""
    from .ad.driver import differentiate_module, input_release

    module, text = read(item, build, s, stem, extra)
    if s.preopt or s.postopt:
        strip_optnone(module)
    if s.preopt:
        module, text = optimize(module, s, stem, "preopt")
    names = differentiate_module(module, release=input_release(module, text), loose_types=s.loose_types)
    if names:
        s.runner.say(f"enzyme-compat cc: {item.path}: synthesized " + ", ".join(f"@{n}" for n in dict.fromkeys(names)))
    if s.postopt:
        module, _ = optimize(module, s, stem, "postopt")
    return module


def _has_debug_flag(flags: list[str]) -> bool:
    return any(f.startswith("-g") and f != "-g0" for f in flags)


def differentiated_located(item: Input, build: Build, s: Session, stem: str, read=read_input):
    """`differentiated`, with AD errors named after the input. Without -g an AD error has no
    source line; the source is then compiled once more with line tables to find it."""
    from .ad.errors import DifferentiationError

    try:
        return differentiated(item, build, s, stem, read=read)
    except DifferentiationError as error:
        first = error
    if item.kind == "source" and read is read_input and not _has_debug_flag(build.compile):
        quiet = Session(s.compiler, Runner(False), s.tmp, None, s.preopt, s.postopt, s.optimizer,
                        s.loose_types)
        try:
            differentiated(item, build, quiet, stem + ".where", ("-gline-tables-only",))
        except DifferentiationError as located:
            if type(located) is type(first):
                first = located
        except EnzymeCompatError:
            pass
    lines = first.format().splitlines() or [""]  # several refused constructs: one line each
    text = "\n".join(f"{item.path}: error: {line}" for line in lines)
    raise CcError(f"{text}{_cross_file_hint(first)}", first.exit_code) from None


def _cross_file_hint(error) -> str:
    """Each file is differentiated on its own, as Enzyme's clang plugin does: say so when
    the function to differentiate lives elsewhere."""
    m = re.search(r"@(\S+) has no body in this module", str(error))
    if m is None:
        return ""
    return (f"\n  note: enzyme-compat cc differentiates each input on its own; define @{m.group(1)} in the "
            "file that calls __enzyme_* (or include it there), or pass --merge to link the inputs into one "
            "module before differentiation")


def emit(text: str, stem: str, mode: str, out: str, s: Session, build: Build) -> None:
    """The differentiated module as the requested output: IR text, or clang's object,
    assembly or bitcode of it at the user's -O level."""
    if mode == "ir":
        from .cli import write_atomically

        write_atomically(out, text)
        return
    ll = os.path.join(s.tmp, f"{stem}.ad.ll")
    _write(ll, text)
    kind = {"object": ["-c"], "link": ["-c"], "asm": ["-S"], "bitcode": ["-c", "-emit-llvm"]}[mode]
    with _ours_if_rejected(stem, "the differentiated module"):
        s.runner.run([*s.compiler.cmd, *build.codegen, *kind, ll, "-o", out])


@contextlib.contextmanager
def _ours_if_rejected(stem: str, what: str):
    """IR that we printed and a real LLVM refuses is our bug, not the user's: say so
    (clang's diagnostics and status are kept)."""
    try:
        yield
    except CompilerFailed as failed:
        raise CcError(f"{failed}\nenzyme-compat cc: note: that was {what} enzyme-compat printed for {stem}; "
                      "an error in the IR itself is an enzyme-compat bug: please report it with the IR "
                      "kept by --keep-ir DIR", failed.exit_code) from None


def link_command(build: Build, objects: dict, compiler: Compiler) -> list[str]:
    """clang's link with the user's flags and inputs in their order, objects for sources."""
    cmd = list(compiler.cmd)
    for x in build.link:
        if not isinstance(x, Input):
            cmd.append(x)
        elif id(x) in objects:
            if objects[id(x)] is not None:  # None: merged into another input's object
                cmd.append(objects[id(x)])
        else:
            cmd += ["-x", x.lang, x.path, "-x", "none"] if x.lang else [x.path]
    return cmd + (["-o", build.output] if build.output else [])


def _stems(items: list[Input]) -> list[str]:
    """A distinct file stem per input (two `x.c` in different folders must not collide)."""
    stems, seen = [], set()
    for item in items:
        base = re.sub(r"[^\w.+-]", "_", os.path.splitext(os.path.basename(item.path))[0]) or "input"
        stem, n = base, 1
        while stem in seen:
            n += 1
            stem = f"{base}-{n}"
        seen.add(stem)
        stems.append(stem)
    return stems


def compile_and_link(build: Build, s: Session) -> None:
    """Every differentiable input to its output (or to an object), then the link."""
    mode = build.mode
    work = [i for i in build.inputs if i.differentiable]
    if mode != "link" and build.output and len(work) > 1 and not s.merge:
        raise CcError("enzyme-compat cc: error: cannot specify -o when generating multiple output files")
    if mode != "link":
        for other in (i for i in build.inputs if not i.differentiable):
            print(f"enzyme-compat cc: warning: {other.path}: linker input unused", file=sys.stderr)
    objects = {}
    # (the input named in errors, the input whose object it makes, its stem, its reader)
    groups = [(item, item, stem, read_input) for item, stem in zip(work, _stems(work))]
    if s.merge and len(work) > 1:
        groups = [_merged_group(work, objects)]
    for item, key, stem, read in groups:
        module = differentiated_located(item, build, s, stem, read)
        text = module.to_text(release=s.compiler.release)
        s.keep(f"{stem}.ad.ll", text)
        if mode == "link":
            out = os.path.join(s.tmp, f"{stem}.o")
        else:
            out = build.output or default_output(key, mode)
        emit(text, stem, mode, out, s, build)
        objects[id(key)] = out
    if mode == "link":
        s.runner.run(link_command(build, objects, s.compiler))


def _merged_group(work: list[Input], objects: dict):
    """--merge: one pseudo input standing for all of `work` (its object replaces the first
    of them in the link, the others leave it)."""
    from .cc_merge import merged_name, read_merged

    first = work[0]
    for other in work[1:]:
        objects[id(other)] = None

    def read(item, build, s, stem, extra=()):
        return read_merged(work, build, s, stem)
    return Input(merged_name(work), "ir"), first, _stems([first])[0], read


def cmd_cc(args) -> int:
    runner = Runner(args.verbose)
    build = split_arguments(args.clang_args)
    compiler = find_compiler(args.cc, runner)
    runner.say(f"enzyme-compat cc: {compiler} is clang {compiler.version}: IR of LLVM {compiler.release}")
    if build.passthrough or not any(i.differentiable for i in build.inputs):
        return runner.passthrough([*compiler.cmd, *args.clang_args])
    optimizer = None
    if args.preopt or args.postopt:
        optimizer = find_optimizer(args.opt_release or compiler.release, compiler)
        runner.say(f"enzyme-compat cc: optimizer {optimizer}")
    if args.keep_ir:
        os.makedirs(args.keep_ir, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="enzyme-compat-cc-") as tmp:
        compile_and_link(build, Session(compiler, runner, tmp, args.keep_ir, args.preopt, args.postopt,
                                        optimizer, args.loose_types, getattr(args, "merge", False)))
    return 0


# ------------------------------------------------------------------ the subcommand
# Our own options (name -> takes a value); everything else belongs to clang.
OWN_OPTIONS = {"--cc": True, "--preopt": False, "--postopt": False, "--opt-release": True,
               "--loose-types": False, "--merge": False, "--keep-ir": True, "-v": False, "--verbose": False,
               "-h": False, "--help": False}

DESCRIPTION = """\
Compile and link C/C++ like clang, differentiating every __enzyme_* call (Enzyme's C ABI)
on the way: each source is compiled to IR by CLANG (`-S -emit-llvm` with your compile
flags), differentiated, printed in the syntax of CLANG's LLVM release, compiled to an
object by CLANG at your -O level, and the objects are linked by CLANG with your link flags.
.ll/.bc inputs are differentiated too; .o/.a/.so (and anything else) go to the link.
--merge: all sources and .ll/.bc are linked into one module first (cross-language AD)."""

EPILOG = """\
clang arguments:
  -c / -S / -S -emit-llvm / -c -emit-llvm   an object / assembly / the differentiated IR /
                        bitcode as OUT (default name: the input's stem, as clang does)
  -o OUT                the output (default a.out when linking)
  -O*, -I, -D, -U, -std=, -W*, -f*, -m*, -g*, -x LANG, -include, -isystem, ...
                        compile flags; of them -O*, -g*, -m*, -f(no-)PIC/pie, -flto and
                        the target reach the IR -> object step
  -l, -L, -Wl,, -Xlinker, -shared, -static, -pie, -rdynamic, -fuse-ld=, ...
                        link flags; -pthread, -fopenmp, -fsanitize=, -ffast-math, -m32,
                        --target= and unknown flags go to both steps
  -E, -fsyntax-only, -M, -MM, --version, -###, -print-*, or no source/.ll/.bc input:
                        the command is handed to CLANG unchanged

-O0: clang marks functions optnone; they are differentiated as they are. --preopt and
--postopt remove optnone (noinline stays) so the optimizer can work on them.
The optimizer of release N is opt-N on PATH, /usr/lib/llvm-N/bin/opt, an `opt` of
release N, CLANG itself when it is of release N (`-O2 -x ir`), or an installed
`enzyme-compat toolchain` N (llvmlite's pass managers for 7..11, LLVM-C for 13..23).

exit status: 0 success; an AD or input error: one located message, 1; clang's own
failure: its diagnostics and its status; no usable compiler: 2. Never a traceback."""


def _own_and_clang(argv: list[str]) -> tuple[list[str], list[str]]:
    """Split our options (`--cc X`, `--cc=X`, flags) from clang's arguments; after `--`
    everything is clang's."""
    own, clang = [], []
    args = iter(argv)
    for arg in args:
        name = arg.split("=", 1)[0] if arg.startswith("--") else arg
        if arg == "--":
            clang += list(args)
        elif name in OWN_OPTIONS:
            own.append(arg)
            if OWN_OPTIONS[name] and "=" not in arg:
                own.append(_value(args, arg))
        else:
            clang.append(arg)
    return own, clang


def register(subparsers):
    p = subparsers.add_parser(
        "cc", help="compile and link C/C++ like clang, differentiating __enzyme_* calls",
        description=DESCRIPTION, epilog=EPILOG, add_help=False,
        usage="%(prog)s [--cc CLANG] [--preopt] [--postopt] [--opt-release N] [--loose-types] "
              "[--merge] [--keep-ir DIR] [-v] [clang arguments...] [-o OUT]",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cc", metavar="CLANG",
                   help="the compiler command, split like a shell would (`--cc \"python -m ziglang cc\"`); "
                        "default: $CC if it is a clang, else clang, else the newest clang-N on PATH")
    p.add_argument("--preopt", action="store_true", help="run the LLVM O2 pipeline on each module before AD")
    p.add_argument("--postopt", action="store_true", help="run the LLVM O2 pipeline on each module after AD")
    p.add_argument("--opt-release", type=int, metavar="N",
                   help="optimize with LLVM release N (default: the compiler's): the module is converted "
                        "to N's syntax for the optimizer and read back")
    p.add_argument("--loose-types", action="store_true",
                   help="integers whose bits type analysis cannot place are taken for integers")
    p.add_argument("--merge", action="store_true",
                   help="link every C/C++ source and .ll/.bc input into one module (llvm-link of the "
                        "compiler's release) before AD: __enzyme_* calls may name functions defined in "
                        "another input (Rust, Fortran), one object is made")
    p.add_argument("--keep-ir", metavar="DIR",
                   help="keep the intermediate modules in DIR: STEM.ll (input), STEM.preopt.ll, "
                        "STEM.postopt.ll, STEM.ad.ll (the module compiled, in the compiler's syntax)")
    p.add_argument("-v", "--verbose", action="store_true", help="print every command run")
    p.add_argument("-h", "--help", action="help", help="show this help and exit")
    p.add_argument("clang_args", nargs="*", metavar="clang arguments",
                   help="sources, .ll/.bc, objects and libraries, clang's flags, -o OUT")
    p.set_defaults(func=cmd_cc)

    def parse_known_args(args=None, namespace=None):
        # clang's flags (-O2, -o, -c, ...) are not argparse options: only ours go to argparse
        own, clang = _own_and_clang(list(sys.argv[1:] if args is None else args))
        ns, extra = argparse.ArgumentParser.parse_known_args(p, own, namespace)
        if extra:
            p.error(f"unrecognized arguments: {' '.join(extra)}")
        ns.clang_args = clang
        return ns, []

    p.parse_known_args = parse_known_args
    return p
