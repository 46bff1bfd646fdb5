"""`enzyme-compat ad IN.ll -o OUT.ll [--to N]`: lower every `__enzyme_fwddiff` call;
`enzyme-compat check IN.ll --function f`: tangents against finite differences.

Wired into the main CLI by `register(subparsers)` (both subcommands); `ad` is also
runnable on its own as `python -m enzyme_compat.ad.cli`.
"""

from __future__ import annotations

import argparse
import sys


def cmd_ad(args) -> int:
    from ..cli import _read, write_atomically
    from ..ir.parser import parse
    from .driver import differentiate_module, input_release
    from .errors import DifferentiationError

    text = _read(args.input)
    module = parse(text, args.input)
    release = input_release(module, text)
    target = args.to if args.to is not None else release
    try:
        names = differentiate_module(module, release=release, loose_types=args.loose_types)
    except DifferentiationError as e:  # `IN.ll: error: ...`, a line per refused construct
        raise DifferentiationError("\n".join(f"{args.input}: error: {line}"
                                for line in e.format().splitlines())) from None
    write_atomically(args.output, module.to_text(release=target))
    if args.verbose:
        for n in names:
            print(f"synthesized @{n}", file=sys.stderr)
    return 0


def register(subparsers):
    p = subparsers.add_parser(
        "ad", help="differentiate: replace each __enzyme_fwddiff call by a derivative")
    p.add_argument("input", help="textual IR (.ll) of any release 7..23")
    p.add_argument("-o", "--output", default="-", help="output file (default: stdout)")
    p.add_argument("--to", type=int, metavar="N",
                   help="write for LLVM release N (default: the input's release)")
    p.add_argument("--loose-types", action="store_true",
                   help="take integers whose bits type analysis cannot place (no TBAA, no "
                        "typed field) for integers instead of stopping with an error")
    p.add_argument("-v", "--verbose", action="store_true", help="name the new functions")
    p.set_defaults(func=cmd_ad)
    from .check import register as register_check

    register_check(subparsers)
    return p


def main(argv=None) -> int:
    from ..cli import main as core_main  # noqa: F401  (same error handling as the CLI)
    from ..errors import EnzymeCompatError

    parser = argparse.ArgumentParser(prog="enzyme-compat")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["ad", *(sys.argv[1:] if argv is None else argv)])
    try:
        return args.func(args)
    except EnzymeCompatError as e:
        print(e.format(), file=sys.stderr)
        return e.exit_code


if __name__ == "__main__":
    sys.exit(main())
