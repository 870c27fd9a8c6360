"""Ingest one configured source: the entry point the CLI and the Dagster asset call."""

from __future__ import annotations

import time
from pathlib import Path

from forge_data.config import SourceConfig
from forge_data.ingest.chat import ingest_chat
from forge_data.ingest.context import Context
from forge_data.ingest.errors import IngestError
from forge_data.ingest.git_source import ingest_git
from forge_data.ingest.ledger import IngestResult
from forge_data.ingest.limits import Limits
from forge_data.ingest.paths import resolve_source_path
from forge_data.ingest.wiki import ingest_wiki


def ingest_source(
    source: SourceConfig, *, base_dir: Path, since: str | None = None, limits: Limits | None = None
) -> IngestResult:
    """Read ``source`` into records and quarantine rows; ``inputs == records + quarantined``.

    ``since`` (git only) is the last ingested commit: only files changed after it are
    read, and ``result.deleted`` lists the uris removed since. ``limits`` replaces the
    archive and size limits as a whole; without it they are the defaults with the
    source's own ``max_file_bytes``.

    Raises :class:`IngestError` when the source as a whole cannot be read.
    """
    root = resolve_source_path(source.path, Path(base_dir))
    if not root.exists() and not root.is_symlink():
        raise IngestError(f"source {source.name!r}: {root} does not exist")
    if since is not None and source.kind != "git":
        raise IngestError(f"source {source.name!r}: 'since' applies to git sources only")
    limits = limits or Limits(max_file_bytes=source.max_file_bytes)
    ctx = Context(source.name, source.kind, limits)
    started = time.perf_counter()
    deleted: list[str] = []
    if source.kind == "git":
        if source.format not in ("auto", "git"):
            raise IngestError(f"source {source.name!r}: git sources have no format {source.format!r}")
        deleted, extra = ingest_git(
            root, ctx, ref=source.ref, since=since, include=source.include, exclude=source.exclude
        )
    elif source.kind == "wiki":
        extra = ingest_wiki(root, ctx, fmt=source.format, include=source.include, exclude=source.exclude)
    else:
        extra = ingest_chat(root, ctx, fmt=source.format, include=source.include, exclude=source.exclude)
    extra["seconds"] = round(time.perf_counter() - started, 3)
    return ctx.ledger.result(deleted=deleted, **extra)
