"""The per-release data files ``versions/llvmN.toml``, read with tomllib.

Nothing about a release is tabled in code: the files say which LLVM version a release
is, where it comes from, which driver talks to it and what it can do.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from .errors import UnknownRelease

CAPABILITIES = ("verify", "object", "jit", "c_to_ir", "optimize")
POINTER_ERAS = ("typed", "opaque", "both")


@dataclass(frozen=True)
class Source:
    """One way to obtain a real LLVM of a release (one ``[[sources]]`` table)."""

    release: int
    kind: str
    version: str
    driver: str
    capabilities: tuple[str, ...]
    data: dict = field(compare=False, repr=False)

    @property
    def package(self) -> str | None:
        return self.data.get("package")

    @property
    def name(self) -> str:
        """A short label such as ``apt llvm-13`` or ``llvmlite==0.28.0``."""
        if self.kind == "apt":
            return "apt " + " ".join(self.data.get("packages", []))
        return f"{self.kind} {self.package}"

    def get(self, key: str, default=None):
        return self.data.get(key, default)


@dataclass(frozen=True)
class Release:
    """What ``versions/llvmN.toml`` says about LLVM release N."""

    number: int
    pointers: str
    sources: tuple[Source, ...]

    @property
    def primary(self) -> Source:
        return self.sources[0]


def versions_dir() -> Path:
    try:
        root = resources.files("enzyme_compat_versions")
        path = Path(str(root))
        if path.is_dir() and any(path.glob("llvm*.toml")):
            return path
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[2] / "versions"


def _parse(number: int, data: dict) -> Release:
    if data.get("release") != number:
        raise UnknownRelease(f"versions/llvm{number}.toml says release = {data.get('release')!r}")
    pointers = data.get("pointers")
    if pointers not in POINTER_ERAS:
        raise UnknownRelease(f"versions/llvm{number}.toml: pointers must be one of {POINTER_ERAS}")
    sources = []
    for table in data.get("sources", []):
        caps = tuple(table.get("capabilities", ()))
        unknown = set(caps) - set(CAPABILITIES)
        if unknown:
            raise UnknownRelease(f"versions/llvm{number}.toml: unknown capabilities {sorted(unknown)}")
        sources.append(
            Source(
                release=number,
                kind=table["kind"],
                version=table["version"],
                driver=table["driver"],
                capabilities=caps,
                data=dict(table),
            )
        )
    if not sources:
        raise UnknownRelease(f"versions/llvm{number}.toml lists no [[sources]]")
    return Release(number=number, pointers=pointers, sources=tuple(sources))


@functools.cache
def all_releases() -> dict[int, Release]:
    found = {}
    for path in versions_dir().glob("llvm*.toml"):
        match = re.fullmatch(r"llvm(\d+)\.toml", path.name)
        if match:
            number = int(match.group(1))
            with path.open("rb") as handle:
                found[number] = _parse(number, tomllib.load(handle))
    return dict(sorted(found.items()))


def release(number: int | str) -> Release:
    try:
        return all_releases()[int(number)]
    except (KeyError, ValueError):
        known = ", ".join(str(n) for n in all_releases())
        raise UnknownRelease(f"no data for LLVM release {number!r} (known: {known})") from None
