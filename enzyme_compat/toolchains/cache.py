"""Where downloaded and unpacked toolchains live.

``ENZYME_COMPAT_CACHE`` wins; otherwise ``$XDG_CACHE_HOME/enzyme_compat``, otherwise
``~/.cache/enzyme_compat``.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "ENZYME_COMPAT_CACHE"


def cache_dir() -> Path:
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "enzyme_compat"


def downloads_dir() -> Path:
    """Wheels as pip downloaded them (their sha256 is recorded in ``SHA256SUMS``)."""
    return cache_dir() / "downloads"


def toolchain_dir(name: str) -> Path:
    """The unpacked form of one source, e.g. ``llvmlite-0.28.0`` or ``karellen-17.0.6.0``."""
    return cache_dir() / "toolchains" / name
