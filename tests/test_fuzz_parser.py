"""Parser/printer fuzzing (tools/fuzz_parser.py): a short seeded run, and a replay of every
minimized failure the fuzzer has saved in tests/fuzz_regressions/.

Every input must give a located ParseError/ConversionError, or parse, print for each
release and parse again. Regressions that still fail are listed in XFAIL (strict, so each
turns into an error once it is fixed and the entry must then be removed).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REGRESSIONS = Path(__file__).parent / "fuzz_regressions"


def _load_fuzzer():
    spec = importlib.util.spec_from_file_location("fuzz_parser", REPO / "tools" / "fuzz_parser.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fuzz = _load_fuzzer()

# file stem -> why it still fails (found by the fuzzer; see each file's header)
XFAIL: dict[str, str] = {}


def _cases():
    for path in sorted(REGRESSIONS.glob("*.ll")):
        marks = [pytest.mark.xfail(reason=XFAIL[path.stem], strict=True)] if path.stem in XFAIL else []
        yield pytest.param(path, id=path.stem, marks=marks)


@pytest.mark.parametrize("path", list(_cases()))
def test_regression_replays(path):
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    result = fuzz.check(text, fuzz.RELEASES, limit=20.0)
    assert result["outcome"] != "failure", (
        f"{result['signature']}\n{result['error']}\n{result['traceback']}")


def test_check_reports_failures_with_signature():
    """The harness itself: a crash outside our error types is a failure, located in our code."""
    result = fuzz.check("%t = type " + "{" * 5000 + "}" * 5000 + "\n", (15,), limit=20.0)
    assert result["outcome"] in ("parse_error", "failure")
    if result["outcome"] == "failure":
        assert "enzyme_compat/" in result["where"]


def test_generator_is_seeded():
    seeds = [("a", "define i32 @f(i32 %x) {\n  %y = add i32 %x, 1\n  ret i32 %y\n}\n")]
    one, two = fuzz.Generator(seeds, 3), fuzz.Generator(seeds, 3)
    assert [one.input(i) for i in range(50)] == [two.input(i) for i in range(50)]
    assert len({one.input(i)[1] for i in range(50)}) > 10


def _known_signatures() -> set[str]:
    """Failure signatures of regressions still expected to fail (XFAIL)."""
    return {fuzz.signature_of(REGRESSIONS / f"{stem}.ll") for stem in XFAIL}


def test_bounded_fuzz_run(monkeypatch, tmp_path):
    """A short seeded run; failures of a kind already saved and marked XFAIL are tolerated,
    any other kind fails (run the command below to save and minimize it). Seeded from the
    checkout only: the real-code modules the cache may hold (tests/realcode.py builds them
    on first use, after this test on a new machine) would make the inputs depend on what
    ran before."""
    monkeypatch.setenv("ENZYME_COMPAT_CACHE", str(tmp_path))  # no corpus there
    stats = fuzz.run(count=1000, seed=0, jobs=2, limit=5.0, save=False, log=lambda *a, **k: None)
    assert stats["inputs"] == 1000
    assert stats["parsed"] > 50  # the mutations must leave many inputs parseable (98 of 1000)
    new = {sig: n for sig, n in stats["signatures"].items() if sig not in _known_signatures()}
    assert not new, ("new parser/printer failures; `python tools/fuzz_parser.py --count 1000 --seed 0` "
                     f"saves them minimized to tests/fuzz_regressions/: {new}")
