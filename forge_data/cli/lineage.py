"""`forge lineage`: which data commits, training datasets and models contain a record, a uri or an author."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from forge_data.cli.common import EXIT_FAILED, CliError

ORDER = 60

_EPILOG = """\
An author is an e-mail address, a chat user id or a hashed author id (u-1a2b3c4d5e6f); it is
hashed the way ingest hashes authors, for every configured source, and never printed.

examples:
  forge lineage --uri wiki/runbooks/anvil.md
  forge lineage --author jane.doe@example.com --config forge.yaml --json
"""


def register(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "lineage",
        help="which data commits, datasets and models contain a record, uri or author",
        description=__doc__,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_target_arguments(p, record=True)
    p.set_defaults(func=run)
    return p


def add_target_arguments(p: argparse.ArgumentParser, *, record: bool) -> None:
    """What to look for (one of a record id, a uri, an author) and the project file."""
    what = p.add_mutually_exclusive_group(required=True)
    if record:
        what.add_argument("--record", metavar="ID", help="a record id")
    what.add_argument("--uri", metavar="URI", help="a source uri, as records name it")
    what.add_argument(
        "--author", metavar="EMAIL_OR_HASH", help="a person: e-mail, chat user id or author hash"
    )
    p.add_argument("--config", type=Path, default=Path("forge.yaml"), help="the project file (forge.yaml)")


def open_project(config: Path):
    """The project file and its version store, or a one-line reason why not."""
    from forge_data.config import load
    from forge_data.store import StoreError
    from forge_data.store.factory import open_store

    if not config.is_file():
        raise CliError(f"{config}: project file not found")
    cfg = load(config)
    try:
        return cfg, open_store(cfg.store, cfg.resolve)
    except StoreError as err:
        raise CliError(f"cannot open the version store: {err}", EXIT_FAILED) from None


def run(args: argparse.Namespace) -> dict:
    from forge_data.lineage import trace

    cfg, store = open_project(args.config)
    return trace(cfg, store, record=args.record, uri=args.uri, author=args.author)
