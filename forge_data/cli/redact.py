"""`forge redact IN OUT`: replace personal data and secrets in a JSON Lines or Parquet file.

Each input row needs a string ``text``; other fields are kept, and a ``kind`` field
(code | doc | chat) and a ``language`` field, where present, make detection code-aware.
Each output row carries the redacted ``text`` and ``entities``: type, start, end (offsets
into the ORIGINAL text), score and recognizer. Rows keep their order; the whole file is
one batch, so a name is replaced by the same placeholder on every line.

The pseudonym key comes from the variable named by ``curation.pii.secret_env``
(FORGE_PSEUDONYM_KEY), or is kept in ``<state dir>/secrets/pseudonym.key``.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

from forge_data.cli.common import EXIT_FAILED, CliError, require_text_column
from forge_data.tables import read_rows, write_rows

ORDER = 50


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "redact",
        help="replace personal data and secrets in a JSONL or Parquet file",
        description=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "input", metavar="IN", help="JSON Lines (.jsonl) or Parquet (.parquet) with a 'text' field"
    )
    p.add_argument(
        "output", metavar="OUT", help="where to write the redacted rows (format from the extension)"
    )
    p.add_argument("--config", metavar="FORGE_YAML", help="take the PII settings from this project file")
    p.add_argument(
        "--state-dir",
        metavar="DIR",
        help="where the pseudonym key is kept when the environment has none "
        "(default: the project's state folder with --config, else ./.forge)",
    )
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> dict[str, Any]:
    import pyarrow as pa

    from forge_data.config import PiiConfig, load

    if Path(args.input).resolve() == Path(args.output).resolve():
        raise CliError("IN and OUT must be different files")
    if args.config:
        project = load(args.config)
        cfg, state_dir = project.curation.pii, project.state_dir
    else:
        cfg, state_dir = PiiConfig(), Path(".forge")
    if args.state_dir:
        state_dir = Path(args.state_dir)

    try:
        table = read_rows(args.input)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # Arrow's message quotes the offending value; say what is wrong without it.
        raise CliError(f"{args.input}: rows have fields of conflicting types") from None
    if table.num_rows:
        require_text_column(table, args.input)
    kinds = _kinds(table, args.input)
    languages = None
    if "language" in table.column_names:
        languages = [lang if isinstance(lang, str) else None for lang in table.column("language").to_pylist()]

    from forge_data.pii import PseudonymKeyError, Redactor, load_pseudonym_key
    from forge_data.pii.manifest import ENTITY_TYPE, entity
    from forge_data.pii.redactor import NO_PASSES

    try:
        key = load_pseudonym_key(cfg, state_dir)
    except PseudonymKeyError as err:
        raise CliError(str(err), EXIT_FAILED) from None
    texts = table.column("text").to_pylist() if table.num_rows else []
    results, passes = (
        Redactor(cfg, key).redact_texts_with_passes(texts, kinds, languages)
        if texts
        else ([], dict(NO_PASSES))
    )

    by_type: Counter[str] = Counter(f.type for r in results for f in r.entities)
    if table.num_rows:
        column = table.column_names.index("text")
        table = table.set_column(column, "text", pa.array([r.text for r in results], pa.string()))
        entities = pa.array([[entity(f) for f in r.entities] for r in results], pa.list_(ENTITY_TYPE))
        if "entities" in table.column_names:
            table = table.set_column(table.column_names.index("entities"), "entities", entities)
        else:
            table = table.append_column("entities", entities)
    write_rows(table, args.output)
    return {
        "ok": True,
        "input": str(args.input),
        "output": str(args.output),
        "rows": table.num_rows,
        "rows_with_entities": sum(1 for r in results if r.entities),
        "entities": sum(by_type.values()),
        "by_type": dict(sorted(by_type.items())),
        "redaction_passes": passes,
    }


def _kinds(table, path: str) -> list[str] | None:
    if "kind" not in table.column_names:
        return None
    from forge_data.schema import KINDS

    kinds = [k if k is not None else "doc" for k in table.column("kind").to_pylist()]  # rows without one
    bad = sorted({str(k) for k in kinds if k not in KINDS})
    if bad:
        raise CliError(f"{path}: 'kind' must be one of {', '.join(KINDS)}; found {', '.join(bad[:5])}")
    return kinds
