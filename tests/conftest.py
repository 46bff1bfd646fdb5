"""Shared pytest configuration.

Toolchain / release matrix section: ``--llvm N`` (repeatable, or ``7,8``, or ``all``)
selects the LLVM releases that release-parametrised tests run against; the ``matrix``
marker tags those tests (``pytest -m matrix --llvm 11`` is one nox matrix session).
Without ``--llvm`` every release is collected and tests whose LLVM is not installed are
skipped with the install command as the reason; with ``--llvm`` a missing LLVM fails.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser):
    parser.addoption(
        "--llvm",
        action="append",
        default=[],
        metavar="N",
        help="LLVM release(s) 7..23 for release-parametrised tests ('all', '7', '7,8'); "
        "the release's toolchain must then be installed",
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "matrix: runs against a real LLVM of each selected release (--llvm)")


def _all_releases() -> list[int]:
    from enzyme_compat.toolchains import all_releases

    return list(all_releases())


def selected_releases(config) -> list[int]:
    chosen = []
    for value in config.getoption("--llvm"):
        for part in value.split(","):
            part = part.strip()
            if part == "all":
                chosen.extend(_all_releases())
            elif part:
                chosen.append(int(part))
    return sorted(set(chosen)) or _all_releases()


def pytest_generate_tests(metafunc):
    if "llvm_release" in metafunc.fixturenames:
        releases = selected_releases(metafunc.config)
        metafunc.parametrize("llvm_release", releases, ids=[f"llvm{n}" for n in releases])


@pytest.fixture
def toolchain(request, llvm_release):
    """The installed LLVM of ``llvm_release``; skip (or, under ``--llvm``, fail) if missing."""
    from enzyme_compat import toolchains

    try:
        return toolchains.get(llvm_release)
    except toolchains.ToolchainMissing as missing:
        if request.config.getoption("--llvm"):
            pytest.fail(str(missing), pytrace=False)
        pytest.skip(str(missing))
