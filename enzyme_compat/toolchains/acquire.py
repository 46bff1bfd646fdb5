"""Getting a release's LLVM onto this machine, and finding it once it is there.

Three kinds of source (``kind`` in ``versions/llvmN.toml``):

* ``llvmlite-wheel`` / ``ziglang``: ``pip download`` the wheel into the cache (sha256
  recorded in ``downloads/SHA256SUMS``), then unpack it under ``toolchains/``.
* ``karellen``: a venv in the cache with ``karellen-llvm-core`` (+ clang, + extras).
* ``apt``: only detected (``llvm-config-N`` on PATH); installing needs root and apt-get,
  which ``.ci/run`` does; ``toolchain install`` falls back to the next source instead.

``locate(source)`` returns the small JSON-able dict the worker needs, or None.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .cache import downloads_dir, toolchain_dir
from .errors import AcquisitionError
from .releases import Source

SHA256SUMS = "SHA256SUMS"


# ---------------------------------------------------------------- downloads


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def record_sha256(paths: list[Path]) -> None:
    """Add or refresh ``<sha256>  <file name>`` lines for the given downloads."""
    sums_path = downloads_dir() / SHA256SUMS
    sums = {}
    if sums_path.exists():
        for line in sums_path.read_text().splitlines():
            digest, _, name = line.partition("  ")
            if name:
                sums[name] = digest
    for path in paths:
        sums[path.name] = sha256_of(path)
    sums_path.write_text("".join(f"{sums[name]}  {name}\n" for name in sorted(sums)))


def pip_download(requirements: list[str], flags: list[str] = (), deps: bool = False) -> list[Path]:
    """``pip download`` into the cache; returns the files pip reports for these requirements."""
    target = downloads_dir()
    target.mkdir(parents=True, exist_ok=True)
    before = {p.name: p.stat().st_mtime for p in target.iterdir()}
    command = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check",
               "--only-binary=:all:", "-d", str(target), *flags, *requirements]
    if not deps:
        command.insert(4, "--no-deps")
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise AcquisitionError(f"pip download {' '.join(requirements)} failed: {last}")
    files = [p for p in target.iterdir() if p.name != SHA256SUMS
             and (p.name not in before or p.stat().st_mtime != before[p.name] or _matches(p, requirements))]
    record_sha256(files)
    return files


def _normalise(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def _matches(path: Path, requirements: list[str]) -> bool:
    """Is ``path`` the wheel of one of ``name==version`` (wheel names: dist-version-...)?"""
    parts = path.name.split("-")
    if len(parts) < 3:
        return False
    for requirement in requirements:
        name, _, version = requirement.partition("==")
        if _normalise(parts[0]) == _normalise(name) and parts[1] == version:
            return True
    return False


def _wheel_for(files: list[Path], requirement: str) -> Path:
    for path in files:
        if _matches(path, [requirement]) and path.suffix == ".whl":
            return path
    raise AcquisitionError(f"pip download gave no wheel for {requirement}")


# ---------------------------------------------------------------- per kind


def _unpacked_name(source: Source) -> str:
    name, _, version = source.package.partition("==")
    return f"{name}-{version}"


def _karellen_venv(source: Source) -> Path:
    return toolchain_dir("karellen-" + source.package.partition("==")[2])


def _venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def _install_llvmlite(source: Source) -> None:
    files = pip_download([source.package], list(source.get("pip-download", [])))
    wheel = _wheel_for(files, source.package)
    final = toolchain_dir(_unpacked_name(source))
    final.parent.mkdir(parents=True, exist_ok=True)
    scratch = tempfile.mkdtemp(dir=final.parent, prefix=".unpack-")
    try:
        with zipfile.ZipFile(wheel) as archive:
            members = [m for m in archive.namelist() if m.startswith(("llvmlite/binding/", "llvmlite-"))]
            archive.extractall(scratch, members)
        shutil.rmtree(final, ignore_errors=True)
        os.chmod(scratch, 0o755)  # mkdtemp makes it private
        os.rename(scratch, final)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _install_ziglang(source: Source) -> None:
    files = pip_download([source.package], list(source.get("pip-download", [])))
    wheel = _wheel_for(files, source.package)
    final = toolchain_dir(_unpacked_name(source))
    final.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(final, ignore_errors=True)
    run = subprocess.run([sys.executable, "-m", "pip", "install", "--disable-pip-version-check",
                          "--no-deps", "--no-index", "--target", str(final), str(wheel)],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise AcquisitionError(f"unpacking {wheel.name} failed: {run.stderr.strip()[-300:]}")


def _install_karellen(source: Source, with_clang: bool) -> None:
    requirements = [source.package, *source.get("extra-packages", [])]
    if with_clang and source.get("clang-package"):
        requirements.append(source.get("clang-package"))
    pip_download(requirements, deps=True)
    venv = _karellen_venv(source)
    if not (venv / "bin" / "pip").exists():  # absent, or left half-made by an interrupted install
        shutil.rmtree(venv, ignore_errors=True)
        venv.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    run = subprocess.run([str(_venv_python(venv)), "-m", "pip", "install", "--disable-pip-version-check",
                          "--no-index", "--find-links", str(downloads_dir()), *requirements],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise AcquisitionError(f"installing {' '.join(requirements)} failed: {run.stderr.strip()[-300:]}")
    # wheel-axle-runtime creates the libc++/clang symlinks when the venv's Python first starts
    subprocess.run([str(_venv_python(venv)), "-c", "pass"], check=True)


@contextlib.contextmanager
def _install_lock():
    """One installer at a time per cache (nox sessions, parallel test runs)."""
    downloads_dir().mkdir(parents=True, exist_ok=True)
    with open(downloads_dir().parent / ".install.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def install(source: Source, with_clang: bool = True) -> dict:
    """Download and unpack one source; returns ``locate(source)``."""
    with _install_lock():
        if locate(source) is not None and (not with_clang or _has_clang(source)):
            return locate(source)
        return _install_unlocked(source, with_clang)


def _has_clang(source: Source) -> bool:
    return source.kind != "karellen" or not source.get("clang-package") or bool(locate(source).get("clang"))


def _install_unlocked(source: Source, with_clang: bool) -> dict:
    if source.kind == "llvmlite-wheel":
        _install_llvmlite(source)
    elif source.kind == "ziglang":
        _install_ziglang(source)
    elif source.kind == "karellen":
        _install_karellen(source, with_clang)
    elif source.kind == "apt":
        raise AcquisitionError(f"LLVM {source.release}: {apt_command(source)} (needs root)")
    else:
        raise AcquisitionError(f"unknown source kind {source.kind!r}")
    found = locate(source)
    if found is None:
        raise AcquisitionError(f"LLVM {source.release}: installed {source.name} but cannot find it")
    return found


def apt_command(source: Source) -> str:
    return "apt-get install -y --no-install-recommends " + " ".join(source.get("packages", []))


# ---------------------------------------------------------------- detection


def _llvm_config(source: Source) -> tuple[str, Path] | None:
    tool = shutil.which(source.get("llvm-config", ""))
    if not tool:
        return None
    try:
        version = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout.strip()
        libdir = subprocess.run([tool, "--libdir"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return version, Path(libdir)


@functools.cache
def _loader_cache() -> dict[str, str]:
    """soname -> path, from the dynamic loader's cache (``ldconfig -p``)."""
    found = {}
    for tool in ("ldconfig", "/sbin/ldconfig"):
        try:
            listing = subprocess.run([tool, "-p"], capture_output=True, text=True).stdout
        except OSError:
            continue
        for line in listing.splitlines():
            name, arrow, path = line.strip().partition(" => ")
            if arrow and "x86-64" in name:
                found.setdefault(name.split(" (")[0], path)
        break
    return found


def _find_library(soname: str, libdir: Path) -> Path | None:
    for candidate in (libdir / soname, _loader_cache().get(soname)):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    return None


def locate(source: Source) -> dict | None:
    """What the worker needs to drive this source, or None when it is not installed."""
    config = {"driver": source.driver, "release": source.release, "version": source.version,
              "kind": source.kind, "clang": None}
    if source.kind == "llvmlite-wheel":
        root = toolchain_dir(_unpacked_name(source))
        library = root / "llvmlite" / "binding" / "libllvmlite.so"
        if not library.exists():
            return None
        config.update(library=str(library), llvmlite_version=source.package.partition("==")[2])
    elif source.kind == "ziglang":
        zig = toolchain_dir(_unpacked_name(source)) / "ziglang" / "zig"
        if not zig.exists():
            return None
        config.update(zig=str(zig), verify_flags=list(source.get("verify-flags", [])),
                      zig_cache=str(toolchain_dir("zig-cache")))
    elif source.kind == "karellen":
        venv = _karellen_venv(source)
        library = venv / source.get("library")
        if not library.exists() or not any(venv.glob("lib/**/libc++.so.1")):  # see wheel-axle
            return None
        major = source.version.split(".")[0]
        for name in (f"clang-{major}", "clang"):
            if (venv / "bin" / name).exists():
                config["clang"] = str(venv / "bin" / name)
                break
        config.update(library=str(library))
    elif source.kind == "apt":
        found = _llvm_config(source)
        library = _find_library(source.get("library"), found[1]) if found else None
        if library is None:
            return None
        config.update(library=str(library), version=found[0],
                      clang=shutil.which(source.get("clang", "")))
    else:
        return None
    return config
