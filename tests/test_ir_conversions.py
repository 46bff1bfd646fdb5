"""Each release-specific construct (tests/ir_cases.py), printed for every release 7..23,
is accepted by that release's real LLVM and computes the same value when JIT-run there.

Runs for the installed releases in the default run and per release in the nox matrix
(`pytest -m matrix --llvm N`).
"""

from __future__ import annotations

import pytest

from ir_cases import CASES

import enzyme_compat
from enzyme_compat.ir.errors import ConversionError

pytestmark = pytest.mark.matrix

_PARSED = {}


def _module(name):
    if name not in _PARSED:
        _PARSED[name] = enzyme_compat.parse(CASES[name][0], f"<{name}>")
    return _PARSED[name]


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_accepted_and_equivalent(toolchain, llvm_release, name):
    text, fn, signature, args, expected, since = CASES[name]
    if llvm_release < since:
        with pytest.raises(ConversionError, match=f"LLVM {llvm_release} cannot express"):
            _module(name).to_text(release=llvm_release)
        return
    printed = _module(name).to_text(release=llvm_release)
    result = toolchain.verify(printed)
    assert result.ok, f"LLVM {result.llvm_version} rejects {name}:\n{result.message}\n{printed}"
    if fn is None:
        return
    got = toolchain.jit_call(printed, fn, signature, [list(a) if isinstance(a, list) else a
                                                     for a in args])
    assert got == expected, f"{name} on LLVM {llvm_release}: {got} != {expected}\n{printed}"


def test_printing_does_not_change_the_module(llvm_release):
    """Conversions work on a copy: printing for one release and then another gives the
    same text as printing for the second alone."""
    for name in sorted(CASES):
        if llvm_release < CASES[name][5]:
            continue
        fresh = enzyme_compat.parse(CASES[name][0]).to_text(release=llvm_release)
        m = _module(name)
        m.to_text(release=CASES[name][5])
        m.to_text(release=23)
        assert m.to_text(release=llvm_release) == fresh, name
