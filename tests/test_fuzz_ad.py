"""Differential AD fuzzing (tools/fuzz_ad.py): a short seeded run over every configuration,
the replay of each reduced failure saved in tests/fuzz_ad_regressions/, and checks that the
fuzzer's verdicts and its reducer do catch what they must."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REGRESSIONS = Path(__file__).parent / "fuzz_ad_regressions"


def _load(name):
    sys.path.insert(0, str(REPO / "tools"))
    spec = importlib.util.spec_from_file_location(name, REPO / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


gen = _load("fuzz_ad_gen")
fuzz = _load("fuzz_ad")


def _need(cc):
    if shutil.which(cc) is None:
        pytest.skip(f"{cc} is not installed")


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*.c")), ids=lambda p: p.stem)
def test_regression_replays(path, tmp_path):
    config = fuzz.HEADER.match(path.read_text())
    _need(config["cc"])
    v = fuzz.replay(path, tmp_path)
    assert v.kind is None, f"{path.name}: {v.kind}: {v.detail}"


def test_seeded_run():
    """40 programs, 10 in each of clang 14 / 22 at -O0 / -O2 (four builds)."""
    for cc in ("clang-14", "clang-22"):
        _need(cc)
    assert fuzz.main(["--count", "40", "--batch", "10", "--seed", "11", "--jobs", "2",
                      "--no-save"]) == 0


def test_programs_depend_only_on_seed_and_index():
    assert gen.generate(5, 17).source() == gen.generate(5, 17).source()
    assert gen.generate(5, 17).source() != gen.generate(6, 17).source()
    sources = {gen.generate(1, i).source() for i in range(50)}
    assert len(sources) == 50


def _line(primal=1.0, rev=(1, 2, 3, 4, 5), fwd=None, fd_a=None, fd_b=None):
    fwd = rev if fwd is None else fwd
    fd_a = fwd if fd_a is None else fd_a
    fd_b = fd_a if fd_b is None else fd_b
    return [primal, *rev, *fwd, *fd_a, *fd_b]


def test_judge_verdicts():
    assert fuzz.judge("f", _line()).kind is None
    bad_rev = fuzz.judge("f", _line(rev=(1, 2, 3, 4, 5), fwd=(1, 2, 3.001, 4, 5)))
    assert bad_rev.kind == "reverse-vs-forward" and "input 2" in bad_rev.detail
    bad_fd = fuzz.judge("f", _line(fd_a=(1, 2, 3, 4, 5.00001)))
    assert bad_fd.kind == "forward-vs-fd" and "input 4" in bad_fd.detail
    # the two steps disagree: a branch or a kink within a step, that input's check skipped
    rough = fuzz.judge("f", _line(fd_a=(1, 2, 3, 4, 9), fd_b=(1, 2, 3, 4, 7)))
    assert rough.kind is None and rough.fd_skipped == 1
    # |f(x)| = 3e20: f(x +- h) cannot show a derivative of 1 (seen: forward 1, differences 0)
    big = fuzz.judge("f", _line(primal=3.3e20, fd_a=(1, 0, 3, 4, 5), fd_b=(1, 0, 3, 4, 5)))
    assert big.kind is None and big.fd_ill_conditioned == 5
    # forward 4.1e14, differences 1.16e15 (seen: ceil() of values past 2^52 is the identity)
    steep = fuzz.judge("f", _line(rev=(4.1e14, 0, 0, 0, 0), fd_a=(1.16e15, 0, 0, 0, 0)))
    assert steep.kind is None and steep.fd_ill_conditioned == 1
    assert fuzz.judge("f", _line(primal=float("nan"))).kind == "not-finite"
    assert fuzz.judge("f", _line(rev=(1, 2, float("nan"), 4, 5), fwd=(1, 2, 3, 4, 5))).kind == "not-finite"


def test_build_failures_are_told_apart():
    """A crash of clang on the generated C (seen: clang-19 -O3 in EarlyCSE on fmin calls)
    is the toolchain's, not a disagreement; clang failing on the differentiated module, a
    located AD error and a traceback are the engine's."""
    crash = ("Stack dump:\n0.\tProgram arguments: clang-19 -O3 -I. -S -emit-llvm batch.c -o "
             "/tmp/x/batch.ll\n4.\tRunning pass \"early-cse<>\" on function \"f270\"\n"
             "clang-19: error: clang frontend command failed with exit code 139\n")
    assert fuzz.build_failure_kind(1, crash, "batch") == "clang-crash"
    assert "clang-crash" in fuzz.TOOLCHAIN_KINDS
    on_output = crash.replace("-S -emit-llvm batch.c", "-c /tmp/x/batch.ad.ll")
    assert fuzz.build_failure_kind(1, on_output, "batch") == "ad-error"
    located = "batch.c: error: in function @f3: inline assembly on an active value\n"
    assert fuzz.build_failure_kind(1, located, "batch") == "ad-error"
    assert fuzz.build_failure_kind(1, "batch.c:3:5: error: use of undeclared identifier", "batch") \
        == "clang-error"
    assert fuzz.build_failure_kind(1, "Traceback (most recent call last):", "batch") == "internal-error"


def test_report_lines_are_parsed():
    text = "noise\nR f3 " + " ".join(str(float(k)) for k in range(21)) + "\nR short 1 2\n"
    assert list(fuzz.parse_report(text)) == ["f3"]


def test_reducer_keeps_the_failure_and_drops_the_rest(tmp_path, monkeypatch):
    """A function with one statement the engine must refuse (inline assembly on an active
    value) among others: the reducer keeps that one, the saved file replays as the same
    failure."""
    _need("clang-22")
    g = gen.generate(3, 5)
    g.body.insert(3, '__asm__("" : "+x"(v0));')
    config = fuzz.Config("clang-22", "O2")
    v = fuzz.check_one(g, config, tmp_path)
    assert v.kind == "ad-error" and "inline assembly" in v.detail
    small = fuzz.reduce(g, config, v.kind, deadline=float("inf"))
    assert '__asm__("" : "+x"(v0));' in small.body
    assert len(small.body) == 4  # the two declarations, the asm, the return
    monkeypatch.setattr(fuzz, "REGRESSIONS", tmp_path / "saved")
    path = fuzz.save_regression(small, config, v, 3, 5)
    assert fuzz.replay(path, tmp_path).kind == "ad-error"
