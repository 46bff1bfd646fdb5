"""Command-line subcommands of the toolchain layer.

``enzyme_compat.cli`` calls :func:`register`; each subparser sets ``func(args) -> int``:

    enzyme-compat toolchain list
    enzyme-compat toolchain install N|all [--without-clang]
    enzyme-compat verify --llvm N FILE.ll
"""

from __future__ import annotations

import argparse
import sys
import time

from . import Toolchain, get, install, installed_source, release
from .errors import EnzymeCompatError, ToolchainError, ToolchainMissing, UnknownRelease
from .releases import all_releases


def register(subparsers: argparse._SubParsersAction) -> None:
    toolchain = subparsers.add_parser("toolchain", help="real LLVM toolchains of releases 7..23")
    actions = toolchain.add_subparsers(dest="toolchain_command", required=True)

    listing = actions.add_parser("list", help="every release: source, installed or not, capabilities")
    listing.set_defaults(func=list_command)

    installing = actions.add_parser("install", help="download and unpack the LLVM of a release (or all)")
    installing.add_argument("release", help="a release number 7..23, or 'all'")
    installing.add_argument("--without-clang", action="store_true", help="skip the clang package (no C to IR)")
    installing.add_argument("--source", metavar="KIND", help="only this kind of source (e.g. ziglang, llvmlite-wheel)")
    installing.set_defaults(func=install_command)

    verify = subparsers.add_parser("verify", help="parse and verify a .ll file with a real LLVM")
    verify.add_argument("--llvm", required=True, help="the LLVM release to use (7..23)")
    verify.add_argument("--source", metavar="KIND", help="only this kind of source (e.g. ziglang)")
    verify.add_argument("file", help="textual IR (.ll); '-' reads stdin")
    verify.set_defaults(func=verify_command)


def _releases(spec: str) -> list[int]:
    if spec == "all":
        return list(all_releases())
    return [release(spec).number]


def list_command(args: argparse.Namespace) -> int:
    rows = [("release", "pointers", "source", "version", "installed", "capabilities")]
    for number, rel in all_releases().items():
        found = installed_source(number)
        source, config = found if found else (rel.primary, None)
        caps = Toolchain(source, config).capabilities if config else source.capabilities
        version = config["version"] if config else source.version
        rows.append((str(number), rel.pointers, source.name, version, "yes" if config else "no", ",".join(caps)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return 0


def install_command(args: argparse.Namespace) -> int:
    try:
        numbers = _releases(args.release)
    except UnknownRelease as error:
        print(f"enzyme-compat: {error}", file=sys.stderr)
        return 2
    status = 0
    for number in numbers:
        start = time.monotonic()
        try:
            toolchain = install(number, with_clang=not args.without_clang, kind=args.source)
            version = toolchain.version()
        except EnzymeCompatError as error:
            print(f"LLVM {number}: FAILED: {error}", file=sys.stderr)
            status = 1
            continue
        print(f"LLVM {number}: {version} via {toolchain.source.name} ({time.monotonic() - start:.1f} s)")
    return status


def verify_command(args: argparse.Namespace) -> int:
    try:
        toolchain = get(args.llvm, kind=args.source)
        text = sys.stdin.read() if args.file == "-" else open(args.file, encoding="utf-8").read()
        result = toolchain.verify(text)
    except (ToolchainMissing, UnknownRelease, ToolchainError, OSError) as error:
        print(f"enzyme-compat: {error}", file=sys.stderr)
        return 1
    if result.ok:
        print(f"ok: LLVM {result.llvm_version} ({toolchain.source.name}) parsed and verified {args.file}")
        return 0
    print(result.message.rstrip())
    print(f"rejected by LLVM {result.llvm_version} ({toolchain.source.name})", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m enzyme_compat.toolchains.cli``), for use
    before or without the main ``enzyme-compat`` command."""
    parser = argparse.ArgumentParser(prog="enzyme-compat")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
