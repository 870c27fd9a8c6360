"""`forge forget`: remove a source uri or a person's data from main, and mark the models that saw it stale."""

from __future__ import annotations

import argparse
from typing import Any

from forge_data.cli.common import EXIT_FAILED, CliError
from forge_data.cli.lineage import add_target_arguments

ORDER = 65

_EPILOG = """\
The matching records leave main in a new commit (with their code units, quarantine, duplicate
and ledger rows), the workspace and the dedup index; the request joins a suppression list that
keeps them out of later runs while a source still holds them. Datasets and models built from
data commits that held them are listed, and those models are marked stale. Earlier commits of
the version store keep the data. Only hashes of the uri or identifier are logged.

examples:
  forge forget --uri wiki/people/jane-doe.md --reason "GDPR request 2024-113"
  forge forget --author jane.doe@example.com --config forge.yaml --json
"""


def register(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "forget",
        help="honour a deletion request for a source uri or a person",
        description=__doc__,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_target_arguments(p, record=False)
    p.add_argument("--reason", default="", help="why (e-mail addresses in it are replaced by their hash)")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> dict:
    from forge_data.cli.lineage import open_project
    from forge_data.forget import forget
    from forge_data.store import StoreError

    cfg, store = open_project(args.config)
    try:
        return forget(cfg, store, uri=args.uri, author=args.author, reason=args.reason)
    except StoreError as err:
        raise CliError(f"the removal could not be published: {err}", EXIT_FAILED) from None
