"""`forge dedup IN OUT`: mark exact and near duplicates in a JSON Lines or Parquet file.

Every input row comes out once, in input order, with ``cluster`` (the cluster's id),
``keep`` (true for exactly one member of each cluster), ``duplicate_of`` and ``dup_type``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from forge_data.cli.common import CliError, require_text_column
from forge_data.tables import read_rows, write_rows

ORDER = 40

_OUT_COLUMNS = {
    "cluster_id": "cluster",
    "keep": "keep",
    "duplicate_of": "duplicate_of",
    "dup_type": "dup_type",
}


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "dedup",
        help="mark exact and near-duplicate texts (MinHash LSH)",
        description=(
            "Read rows with 'id' and 'text' (JSON Lines, or Parquet by extension), write every row "
            "back in order with 'cluster', 'keep', 'duplicate_of' and 'dup_type'. Rows with "
            "kind='code' are shingled as code tokens, others as word n-grams."
        ),
    )
    p.add_argument("input", metavar="IN", help="input .jsonl or .parquet")
    p.add_argument("output", metavar="OUT", help="output .jsonl or .parquet")
    p.add_argument(
        "--threshold", type=float, default=None, help="Jaccard similarity for near duplicates (default 0.8)"
    )
    p.add_argument("--num-perm", type=int, default=None, help="MinHash permutations (default 128)")
    p.add_argument(
        "--keep", choices=["longest", "newest", "source_priority"], default=None, help="keep policy"
    )
    p.add_argument("--source-priority", default="", help="comma-separated sources, most preferred first")
    p.add_argument("--exact-only", action="store_true", help="skip near-duplicate detection")
    p.add_argument("--memory-budget-mb", type=float, default=None, help="spill signatures to disk above this")
    p.add_argument("--index", type=Path, default=None, help="folder of a saved index to check against")
    p.add_argument("--update-index", action="store_true", help="add this file's kept clusters to --index")
    p.set_defaults(func=run)
    return p


def _config(args):
    from pydantic import ValidationError

    from forge_data.config import DedupConfig

    values: dict[str, Any] = {"near": not args.exact_only}
    for name, key in (
        ("threshold", "threshold"),
        ("num_perm", "num_perm"),
        ("keep", "keep"),
        ("memory_budget_mb", "memory_budget_mb"),
    ):
        if getattr(args, name) is not None:
            values[key] = getattr(args, name)
    if args.source_priority:
        values["source_priority"] = [s.strip() for s in args.source_priority.split(",") if s.strip()]
    try:
        return DedupConfig(**values)
    except ValidationError as err:
        first = err.errors()[0]
        raise CliError(f"--{'-'.join(map(str, first['loc'])).replace('_', '-')}: {first['msg']}") from None


def _read(path: str):
    import pyarrow as pa

    try:
        table = read_rows(path)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # Arrow's message quotes the offending value; name the problem, not the content.
        raise CliError(f"{path}: a field has values of different types across rows") from None
    if table.num_rows == 0:
        return table
    if "id" not in table.column_names:
        raise CliError(f"{path}: every row needs an 'id' field")
    ids = table.column("id")
    if ids.null_count:
        raise CliError(f"{path}: {ids.null_count} rows have no 'id'")
    if not (
        pa.types.is_string(ids.type) or pa.types.is_large_string(ids.type) or pa.types.is_integer(ids.type)
    ):
        raise CliError(f"{path}: 'id' must be a string or an integer")
    require_text_column(table, path)
    if len(ids.unique()) != table.num_rows:
        seen, dup = set(), None
        for value in ids.to_pylist():
            if value in seen:
                dup = value
                break
            seen.add(value)
        raise CliError(f"{path}: duplicate id {dup!r}; ids must be unique")
    return table


def run(args) -> dict[str, Any]:
    import pyarrow as pa

    from forge_data.dedup import LshIndex, deduplicate, new_index

    cfg = _config(args)
    if args.update_index and args.index is None:
        raise CliError("--update-index needs --index DIR")
    table = _read(args.input)
    index = None
    if args.index is not None:
        if (args.index / "index.json").is_file():
            try:
                index = LshIndex.load(args.index)
            except ValueError as err:
                raise CliError(f"{args.index}: {err}") from None
        elif args.update_index:
            index = new_index(cfg)
        else:
            raise CliError(f"{args.index}: no dedup index there")
    if table.num_rows == 0:
        write_rows(table, args.output)
        return {"inputs": 0, "kept": 0, "duplicates": 0, "output": str(args.output)}
    original_ids = table.column("id")
    work = table.set_column(table.column_names.index("id"), "id", original_ids.cast(pa.string()))
    try:
        result = deduplicate(work, cfg, index=index)
    except ValueError as err:
        raise CliError(f"{args.input}: {err}") from None
    out = table
    for src, dst in _OUT_COLUMNS.items():
        if dst in out.column_names:
            out = out.drop_columns([dst])
        out = out.append_column(dst, result.table.column(src))
    write_rows(out, args.output)
    if args.update_index:
        index.save(args.index)
    s = result.stats
    summary = {k: s[k] for k in ("inputs", "kept", "duplicates", "exact_duplicates", "near_duplicates")}
    summary.update(
        duplicate_rate=s["duplicate_rate"],
        clusters=s["clusters"],
        largest_cluster=s["largest_cluster"],
        threshold=cfg.threshold,
        spilled=s["spilled"],
        index_matches=s["index_matches"],
        output=str(args.output),
    )
    return summary
