"""nox sessions: ``nox`` runs lint + tests; ``nox -s matrix`` runs every LLVM release.

    nox -s "matrix(llvm='7')"     one release: install its real LLVM, run the matrix tests
    nox -t typed                  the releases whose printer writes typed pointers (7..14)
    nox -t opaque                 the opaque-pointer releases (16..23); 15 is tagged "both"

Releases and their pointer era come from versions/llvmN.toml (the same data the code uses).
"""

from __future__ import annotations

import pathlib
import tomllib

import nox

nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True

VERSIONS = pathlib.Path(__file__).parent / "versions"


def _releases() -> list[tuple[str, str]]:
    found = []
    for path in VERSIONS.glob("llvm*.toml"):
        data = tomllib.loads(path.read_text())
        found.append((data["release"], data["pointers"]))
    return [(str(number), era) for number, era in sorted(found)]


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff")
    session.run("ruff", "check", ".")


@nox.session
def tests(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
@nox.parametrize("llvm", [nox.param(number, tags=[era]) for number, era in _releases()])
def matrix(session: nox.Session, llvm: str) -> None:
    session.install("-e", ".[test]")
    session.run("enzyme-compat", "toolchain", "install", llvm)
    session.run("pytest", "-m", "matrix", "--llvm", llvm, *session.posargs)


@nox.session
def fuzz(session: nox.Session) -> None:
    """Differential AD fuzzing: random C functions built by clang 14 and 22 at -O0 and -O2,
    reverse mode vs forward mode vs finite differences (tools/fuzz_ad.py).

    Not a default session. `nox -s fuzz -- --count 10000 --seed 7` passes its arguments;
    failures are reduced and saved in tests/fuzz_ad_regressions/."""
    session.install("-e", ".")
    session.run("python", "tools/fuzz_ad.py", *session.posargs)


@nox.session(name="fuzz-parser")
def fuzz_parser(session: nox.Session) -> None:
    """Parser/printer fuzzing of mutated real modules (tools/fuzz_parser.py):
    `nox -s fuzz-parser -- --count 100000 --jobs 2`."""
    session.install("-e", ".")
    session.run("python", "tools/fuzz_parser.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks: gradient/primal time ratios of real kernels, transformation speed.

    Not a default session. Runs benchmarks/run_bench.py (`nox -s bench -- --cc clang-14`
    passes its arguments) and benchmarks/transform_speed.py; results in benchmarks/results/.
    The package is installed as a copy, not editable, so one run sees one state of the engine
    even while the checkout is being edited."""
    import time

    session.install(".", "matplotlib")
    session.install("--no-deps", "--force-reinstall", ".")
    started = time.time()
    session.run("python", "benchmarks/run_bench.py", *session.posargs)
    session.run("python", "benchmarks/transform_speed.py")
    results = pathlib.Path(__file__).parent / "benchmarks" / "results"
    for table in sorted(results.glob("*.md")):
        if table.stat().st_mtime >= started:
            session.log(f"{table.name}:\n" + table.read_text())
