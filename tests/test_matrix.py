"""Release matrix: small hand-written modules go through enzyme_compat's parser and the
printer of release N, and the real LLVM N must accept (and run) what was printed.

``pytest -m matrix --llvm N`` is what the nox session ``matrix(llvm='N')`` runs.
"""

from __future__ import annotations

import pytest

import llvm_samples as samples

pytestmark = pytest.mark.matrix

VARIANTS = {"typed": samples.TYPED_MODULES, "opaque": samples.OPAQUE_MODULES}


def _parse():
    try:
        from enzyme_compat import parse
    except ImportError as error:  # the IR layer is developed separately
        pytest.skip(f"enzyme_compat.parse is not importable yet ({error})")
    return parse


def _printed(text: str, release: int) -> str:
    return _parse()(text, filename="<sample>").to_text(release=release)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", sorted(samples.TYPED_MODULES))
def test_printed_module_is_accepted_by_its_release(toolchain, llvm_release, name, variant):
    printed = _printed(VARIANTS[variant][name], llvm_release)
    result = toolchain.verify(printed)
    assert result.ok, (
        f"LLVM {result.llvm_version} rejects to_text(release={llvm_release}):\n{result.message}\n{printed}"
    )


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_printed_module_computes_the_same(toolchain, llvm_release, variant):
    modules = VARIANTS[variant]
    sq = _printed(modules["sq"], llvm_release)
    assert toolchain.jit_call(sq, "sq", "double(double)", [3.0]) == 10.0
    total = _printed(modules["sum"], llvm_release)
    assert toolchain.jit_call(total, "sum", "double(double*, i64)", [[0.5, 1.5, 2.0], 3]) == 4.0
    values = [4.0, 9.0]
    scale = _printed(modules["scale"], llvm_release)
    toolchain.jit_call(scale, "scale", "void(double*, i64)", [values, 2])
    assert values == [4.0, 18.0]


def test_release_syntax_round_trips_through_the_toolchain(toolchain, llvm_release):
    """What LLVM N itself accepts in its own era's spelling, the printer keeps valid."""
    text = samples.native_module(llvm_release, _era(llvm_release), "copy")
    assert toolchain.verify(text).ok
    assert toolchain.verify(_printed(text, llvm_release)).ok


def _era(release: int) -> str:
    from enzyme_compat.toolchains import release as release_data

    return release_data(release).pointers
