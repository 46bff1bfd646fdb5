"""The toolchain layer: data files, acquisition bookkeeping, and each driver really run
against its real LLVM (llvmlite-ctypes 7..11, zig 12, LLVM-C 13..23)."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import pytest

from enzyme_compat import toolchains
from enzyme_compat.toolchains import cache, native_call_signature, releases

import llvm_samples as samples


# ---------------------------------------------------------------- data and bookkeeping


def test_every_release_7_to_23_has_a_data_file():
    assert list(toolchains.all_releases()) == list(range(7, 24))


@pytest.mark.parametrize("number", range(7, 24))
def test_data_file_is_complete(number):
    rel = toolchains.release(number)
    assert rel.pointers in releases.POINTER_ERAS
    for source in rel.sources:
        assert source.version.split(".")[0] == str(number)
        assert source.driver in ("llvmlite-ctypes", "llvm-c", "zig")
        assert "verify" in source.capabilities
        assert source.kind == "apt" or "==" in source.package


def test_unknown_release_is_a_clear_error():
    with pytest.raises(toolchains.UnknownRelease, match="known: 7, 8"):
        toolchains.release(6)


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ENZYME_COMPAT_CACHE", str(tmp_path / "c"))
    assert cache.cache_dir() == tmp_path / "c"
    monkeypatch.delenv("ENZYME_COMPAT_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "enzyme_compat"


@pytest.mark.parametrize("number", [7, 12, 13, 17, 23])
def test_missing_toolchain_is_one_line_with_the_install_command(monkeypatch, tmp_path, number):
    monkeypatch.setenv("ENZYME_COMPAT_CACHE", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))  # hides apt's llvm-config-N
    with pytest.raises(toolchains.ToolchainMissing) as caught:
        toolchains.get(number)
    message = str(caught.value)
    assert "\n" not in message
    assert f"enzyme-compat toolchain install {number}" in message
    if toolchains.release(number).primary.kind == "apt":
        assert f"apt-get install -y --no-install-recommends llvm-{number} clang-{number}" in message


def test_missing_toolchain_is_an_enzyme_compat_error():
    from enzyme_compat.errors import EnzymeCompatError

    assert issubclass(toolchains.ToolchainMissing, EnzymeCompatError)


def test_signatures_use_llvm_type_names():
    assert native_call_signature("double(double, double*, i64)") == ("double", ["double", "double*", "i64"])
    assert native_call_signature("void()") == ("void", [])
    with pytest.raises(ValueError):
        native_call_signature("double(ptr)")


# ---------------------------------------------------------------- each release's driver

release_parametrised = pytest.mark.matrix


@release_parametrised
def test_version_is_the_release(toolchain, llvm_release):
    version = toolchain.version()
    assert version.split(".")[0] == str(llvm_release)
    assert version == toolchain.config["version"] or toolchain.source.kind == "apt"


@release_parametrised
@pytest.mark.parametrize("name", sorted(samples.TYPED_MODULES))
def test_verify_accepts_a_module_of_its_pointer_era(toolchain, llvm_release, name):
    text = samples.native_module(llvm_release, toolchain.source and toolchains.release(llvm_release).pointers, name)
    result = toolchain.verify(text)
    assert result.ok, result.message
    assert result.llvm_version.startswith(f"{llvm_release}.")


@release_parametrised
def test_verify_rejects_later_syntax_with_llvms_message(toolchain, llvm_release):
    text, expected = samples.rejected_by(llvm_release)
    result = toolchain.verify(text)
    assert not result.ok
    assert expected in result.message
    assert "error" in result.message


@release_parametrised
def test_verifier_failure_is_reported(toolchain):
    result = toolchain.verify(samples.NOT_DOMINATED)
    assert not result.ok
    assert "Instruction does not dominate all uses!" in result.message


@release_parametrised
def test_object_emission_gives_elf(toolchain, llvm_release):
    text = samples.native_module(llvm_release, toolchains.release(llvm_release).pointers, "sum")
    data = toolchain.compile_object(text)
    assert data[:4] == b"\x7fELF"
    assert b"sum" in data


@release_parametrised
def test_jit_runs_double_function(toolchain):
    assert toolchain.jit_call(samples.SQ, "sq", "double(double)", [3.0]) == 10.0
    assert toolchain.jit_call(samples.SQ, "sq", "double(double)", [-0.5]) == 1.25


@release_parametrised
def test_jit_reads_and_writes_double_arrays(toolchain, llvm_release):
    pointers = toolchains.release(llvm_release).pointers
    total = toolchain.jit_call(samples.native_module(llvm_release, pointers, "sum"), "sum",
                               "double(double*, i64)", [[1.0, 2.5, 3.5], 3])
    assert total == 7.0
    values = [1.0, 4.0, 9.0]
    assert toolchain.jit_call(samples.native_module(llvm_release, pointers, "scale"), "scale",
                              "void(double*, i64)", [values, 3]) is None
    assert values == [1.0, 8.0, 9.0]


@release_parametrised
def test_compile_errors_name_the_release(toolchain, llvm_release):
    with pytest.raises(toolchains.ToolchainError, match=f"LLVM {llvm_release}"):
        toolchain.compile_object(samples.NOT_DOMINATED)


@release_parametrised
def test_c_to_ir_where_the_release_has_clang(toolchain, llvm_release):
    if "c_to_ir" not in toolchain.capabilities:
        with pytest.raises(toolchains.CapabilityMissing):
            toolchain.c_to_ir("int f(void){return 0;}")
        pytest.skip(f"LLVM {llvm_release} via {toolchain.source.name} has no clang")
    text = toolchain.c_to_ir("double sq(double x) { return x * x + 1; }", opt_level=2)
    assert "define" in text and "@sq" in text
    assert toolchain.verify(text).ok
    assert toolchain.jit_call(text, "sq", "double(double)", [3.0]) == 10.0


# ---------------------------------------------------------------- isolation


def _any_installed(preferred=(7, 17, 22, 12)):
    for number in preferred + tuple(toolchains.all_releases()):
        if toolchains.installed(number):
            return toolchains.get(number)
    pytest.skip("no LLVM toolchain is installed (run `enzyme-compat toolchain install 7`)")


CRASH = """\
define double @boom(i64 %address) {
entry:
  %p = inttoptr i64 %address to double*
  %v = load volatile double, double* %p, align 8
  ret double %v
}
"""


def test_a_crash_in_llvm_fails_one_call_not_the_caller():
    toolchain = _any_installed()
    text = CRASH if toolchains.release(toolchain.release).pointers != "opaque" else samples.opaque(CRASH)
    with pytest.raises(toolchains.WorkerCrashed, match="SIGSEGV"):
        toolchain.jit_call(text, "boom", "double(i64)", [8])
    assert toolchain.jit_call(samples.SQ, "sq", "double(double)", [2.0]) == 5.0


def test_jit_of_a_missing_function_is_an_error():
    toolchain = _any_installed()
    with pytest.raises(toolchains.ToolchainError, match="nope"):
        toolchain.jit_call(samples.SQ, "nope", "double(double)", [1.0])


def test_jit_rejects_bad_signatures_before_running():
    toolchain = _any_installed()
    with pytest.raises(toolchains.ToolchainError, match="unsupported type"):
        toolchain.jit_call(samples.SQ, "sq", "double(ptr)", [1.0])


def test_nan_comes_back_as_nan():
    toolchain = _any_installed()
    assert math.isnan(toolchain.jit_call(samples.SQ, "sq", "double(double)", [float("nan")]))


# ---------------------------------------------------------------- command line


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "enzyme_compat.toolchains.cli", *args],
                          capture_output=True, text=True, env=env)


def test_cli_verify_accepts_and_prints_the_version(tmp_path):
    toolchain = _any_installed()
    path = tmp_path / "sq.ll"
    path.write_text(samples.SQ)
    run = _cli("verify", "--llvm", str(toolchain.release), str(path))
    assert run.returncode == 0, run.stderr
    assert toolchain.version() in run.stdout


def test_cli_verify_rejects_with_llvms_message(tmp_path):
    toolchain = _any_installed()
    path = tmp_path / "bad.ll"
    path.write_text(samples.NOT_DOMINATED)
    run = _cli("verify", "--llvm", str(toolchain.release), str(path))
    assert run.returncode == 1
    assert "Instruction does not dominate all uses!" in run.stdout


def test_cli_verify_missing_toolchain_is_one_line(tmp_path):
    path = tmp_path / "sq.ll"
    path.write_text(samples.SQ)
    env = dict(os.environ, ENZYME_COMPAT_CACHE=str(tmp_path / "empty"))
    run = _cli("verify", "--llvm", "9", str(path), env=env)
    assert run.returncode == 1
    assert run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1
    assert "enzyme-compat toolchain install 9" in run.stderr


def test_cli_toolchain_list_shows_every_release():
    run = _cli("toolchain", "list")
    assert run.returncode == 0
    lines = run.stdout.splitlines()
    assert len(lines) == 1 + 17
    assert lines[1].split()[:2] == ["7", "typed"]
    assert "verify" in lines[1]


# ---------------------------------------------------------------- alternative sources

ALTERNATIVES = [
    (number, source.kind)
    for number, rel in toolchains.all_releases().items()
    for source in rel.sources[1:]
]


@pytest.mark.parametrize(("number", "kind"), ALTERNATIVES, ids=[f"llvm{n}-{k}" for n, k in ALTERNATIVES])
def test_alternative_source_gives_the_same_answers(number, kind):
    """The PyPI fallbacks (used where apt's llvm-N is absent) behave like the primary."""
    try:
        toolchain = toolchains.get(number, kind=kind)
    except toolchains.ToolchainMissing as missing:
        pytest.skip(str(missing))
    pointers = toolchains.release(number).pointers
    assert toolchain.version().startswith(f"{number}.")
    assert toolchain.verify(samples.native_module(number, pointers, "sum")).ok
    text, expected = samples.rejected_by(number)
    assert expected in toolchain.verify(text).message
    assert "Instruction does not dominate all uses!" in toolchain.verify(samples.NOT_DOMINATED).message
    assert toolchain.compile_object(samples.SQ)[:4] == b"\x7fELF"
    assert toolchain.jit_call(samples.SQ, "sq", "double(double)", [3.0]) == 10.0
