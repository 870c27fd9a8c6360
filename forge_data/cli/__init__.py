"""The `forge` command line. Each sub-command lives in its own module with
``register(subparsers)``; this module only dispatches and turns errors into
one-line reasons with stable exit codes (see :mod:`forge_data.cli.common`)."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from forge_data.cli.common import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, EXIT_USAGE, CliError, print_summary
from forge_data.config import ConfigError
from forge_data.tables import RowsFileError


def _command_modules() -> list:
    """Every module of this package with a ``register`` function, sorted by its ``ORDER``.

    A new command is a new module; nothing here changes.
    """
    modules = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "common":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "register"):
            modules.append(module)
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="forge",
        description="Forge: turn your code, wikis and chat into your own language model.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for module in _command_modules():
        p = module.register(sub)
        p.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        summary = args.func(args)
    except CliError as err:
        print(f"forge {args.command}: {err}", file=sys.stderr)
        return err.code
    except RowsFileError as err:
        print(f"forge {args.command}: {err}", file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as err:
        print(f"forge {args.command}: invalid project file: {err}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        print(f"forge {args.command}: interrupted", file=sys.stderr)
        return EXIT_FAILED
    if summary is not None:
        if getattr(args, "report", None) and not args.json:
            print(args.report(summary))
        else:
            print_summary(summary, args.json)
        if isinstance(summary, dict) and summary.get("ok") is False:
            return EXIT_FAILED
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
