"""`forge ingest`: read git repositories, wikis and chat exports into records.parquet and
quarantine.parquet, and account for every input of every source."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from forge_data.cli.common import CliError

ORDER = 30

_EPILOG = """\
PATH is a folder, a file, a zip or a file:// URL; each flag may be repeated.
A git PATH may name a branch, tag or commit as PATH@REF (default: HEAD); only
the files tracked at that commit are read. --since COMMIT reads only the files
changed after COMMIT and lists the deleted ones.

examples:
  forge ingest --git ./service@v1.4 --wiki ./confluence-export.zip --chat ./slack --out out/
  forge ingest --config forge.yaml --source handbook --out out/ --json

every source's inputs = records + quarantined; the reasons are in quarantine.parquet.
"""


def register(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "ingest",
        help="read git repositories, wikis and chat exports into records",
        description=__doc__,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--git", action="append", default=[], metavar="PATH[@REF]", help="a git repository")
    p.add_argument("--wiki", action="append", default=[], metavar="PATH", help="wiki or document export")
    p.add_argument("--chat", action="append", default=[], metavar="PATH", help="chat or mail export")
    p.add_argument("--config", metavar="FORGE_YAML", help="also ingest the sources of this project file")
    p.add_argument("--source", action="append", default=[], metavar="NAME", help="with --config: only these")
    p.add_argument("--since", metavar="COMMIT", help="git: read only what changed after this commit")
    p.add_argument(
        "--max-file-bytes", type=int, default=None, metavar="N", help="larger files are quarantined"
    )
    p.add_argument(
        "--out", required=True, metavar="DIR", help="where records.parquet and quarantine.parquet go"
    )
    p.set_defaults(func=run)
    return p


def split_ref(spec: str) -> tuple[str, str | None]:
    """``repo@v1`` -> (``repo``, ``v1``); a path that itself contains ``@`` and exists stays whole."""
    plain = spec[len("file://") :] if spec.startswith("file://") else spec
    if "@" not in spec or Path(plain).exists():
        return spec, None
    path, ref = spec.rsplit("@", 1)
    return path, ref or None


def _name(path: str, kind: str, taken: set[str]) -> str:
    stem = Path(path.rstrip("/").removeprefix("file://")).name.lower()
    stem = re.sub(r"\.(git|zip)$", "", stem)
    base = re.sub(r"[^a-z0-9_-]+", "-", stem).strip("-_")[:50] or kind
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name


def _flag_sources(args: argparse.Namespace) -> list[Any]:
    from forge_data.config import SourceConfig

    taken: set[str] = set()
    sources = []
    for kind, specs in (("git", args.git), ("wiki", args.wiki), ("chat", args.chat)):
        for spec in specs:
            path, ref = split_ref(spec) if kind == "git" else (spec, None)
            local = Path(path.removeprefix("file://")).expanduser()
            if not local.exists():
                raise CliError(f"--{kind} {spec}: no such file or folder")
            extra = {"max_file_bytes": args.max_file_bytes} if args.max_file_bytes else {}
            sources.append(
                SourceConfig(
                    name=_name(path, kind, taken), kind=kind, path=str(local.resolve()), ref=ref, **extra
                )
            )
    return sources


def _config_sources(args: argparse.Namespace) -> tuple[list[Any], Path]:
    from forge_data.config import load

    cfg = load(args.config)
    sources = list(cfg.sources)
    if args.source:
        unknown = sorted(set(args.source) - {s.name for s in sources})
        if unknown:
            raise CliError(f"--source: no source named {', '.join(unknown)} in {args.config}")
        sources = [s for s in sources if s.name in args.source]
    if args.max_file_bytes:
        sources = [s.model_copy(update={"max_file_bytes": args.max_file_bytes}) for s in sources]
    return sources, cfg.base_dir


def _line(stats: dict[str, Any]) -> str:
    reasons = ", ".join(f"{k} {v}" for k, v in stats["by_reason"].items())
    text = f"{stats['source_kind']}: {stats['inputs']} inputs = {stats['records']} records + {stats['quarantined']} quarantined"
    return text + (f" ({reasons})" if reasons else "")


def run(args: argparse.Namespace) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from forge_data.ingest import IngestError, ingest_source
    from forge_data.schema import QUARANTINE_SCHEMA, RECORD_SCHEMA

    if args.max_file_bytes is not None and args.max_file_bytes <= 0:
        raise CliError("--max-file-bytes must be positive")
    sources = _flag_sources(args)
    base_dir = Path.cwd()
    if args.config:
        configured, base_dir = _config_sources(args)
        if {s.name for s in configured} & {s.name for s in sources}:
            raise CliError(
                "a path flag and a --config source share a name; rename the source in the project file"
            )
        sources += configured
    elif args.source:
        raise CliError("--source needs --config")
    if not sources:
        raise CliError("nothing to ingest: give --git, --wiki or --chat paths, or --config")
    if args.since and not any(s.kind == "git" for s in sources):
        raise CliError("--since applies to git sources, and none was given")

    records, quarantine, per_source, deleted = [], [], {}, []
    for source in sources:
        try:
            result = ingest_source(
                source, base_dir=base_dir, since=args.since if source.kind == "git" else None
            )
        except IngestError as err:
            raise CliError(str(err)) from None
        records.append(result.records)
        quarantine.append(result.quarantine)
        deleted += result.deleted
        per_source[source.name] = result.stats if args.json else _line(result.stats)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        pa.concat_tables(records) if records else RECORD_SCHEMA.empty_table(), out / "records.parquet"
    )
    pq.write_table(
        pa.concat_tables(quarantine) if quarantine else QUARANTINE_SCHEMA.empty_table(),
        out / "quarantine.parquet",
    )
    n_records = sum(t.num_rows for t in records)
    n_quarantined = sum(t.num_rows for t in quarantine)
    summary: dict[str, Any] = {
        "ok": True,
        "records_file": str(out / "records.parquet"),
        "quarantine_file": str(out / "quarantine.parquet"),
        "sources": per_source,
        "total": {"inputs": n_records + n_quarantined, "records": n_records, "quarantined": n_quarantined},
    }
    if deleted or args.since:
        summary["deleted"] = deleted
    return summary
