"""`enzyme-compat`: the command line.

Exit codes: 0 success, 1 user error (bad input, unsupported construct, missing
toolchain; one located message, no traceback), 2 internal error (a short report).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import traceback

from . import cc as cc_cli
from .errors import EnzymeCompatError


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            return f.read()
    except OSError as e:
        raise EnzymeCompatError(f"{path}: error: cannot read input: {e.strerror}") from None


def write_atomically(path: str, text: str):
    """Write to a temporary file beside `path`, then rename: never a half-written output."""
    if path == "-":
        sys.stdout.write(text)
        return
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".enzyme-compat-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def cmd_convert(args) -> int:
    from .ir.parser import parse

    module = parse(_read(args.input), args.input)
    write_atomically(args.output, module.to_text(release=args.to))
    return 0


def cmd_detect(args) -> int:
    from .detect import detect
    from .ir.parser import parse

    text = _read(args.input)
    module = parse(text, args.input)
    lo, hi, reasons = detect(module, text)
    print(f"releases: {lo}..{hi}" if lo != hi else f"release: {lo}")
    for r in reasons:
        print(f"  {r}")
    producer = module.producer
    print(f"producer: {producer}" if producer else "producer: unknown (no !llvm.ident)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="enzyme-compat",
        description="Automatic differentiation of LLVM IR for every LLVM release 7..23.")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("convert", help="print a module in the syntax of another LLVM release")
    c.add_argument("input", help="textual IR (.ll) of any release 7..23")
    c.add_argument("--to", type=int, required=True, metavar="N", help="target LLVM release")
    c.add_argument("-o", "--output", default="-", help="output file (default: stdout)")
    c.set_defaults(func=cmd_convert)

    d = sub.add_parser("detect", help="which releases' syntax a module can be, and its producer")
    d.add_argument("input")
    d.set_defaults(func=cmd_detect)

    try:
        from .toolchains import cli as toolchain_cli
    except ImportError:
        toolchain_cli = None
    if toolchain_cli is not None and hasattr(toolchain_cli, "register"):
        toolchain_cli.register(sub)
    from .ad import cli as ad_cli

    ad_cli.register(sub)
    cc_cli.register(sub)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except EnzymeCompatError as e:
        print(e.format(), file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception:  # an internal error: a short report, not a bare traceback
        tb = traceback.format_exc(limit=-3)
        print("enzyme-compat: internal error (please report it with the input file):\n"
              + "\n".join("  | " + line for line in tb.rstrip().splitlines()),
              file=sys.stderr)
        return 2


def run() -> int:
    """The program's entry point: `main`, then every object left is frozen out of the
    collector. The command is done and the process ends; the collection pass the
    interpreter makes on exit would otherwise traverse the whole differentiated module
    (1.5 s of 6.4 s for a 10^5-instruction function). Files are closed by then."""
    code = main()
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(run())
