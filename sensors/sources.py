"""What changed in the configured sources since the sensor last looked (no Dagster here).

- a git source is watched by the commit its ``ref`` points to;
- a wiki or chat export (a folder, a file, a zip) by a fingerprint of its selected files: the hash
  of every (relative path, size, mtime_ns), so an added, removed, rewritten or touched file changes it.

Before the sensor has seen a source (first evaluation, or a lost cursor) the baseline is what the
last ingestion of that source saw: the commit recorded in its stats for git, and for an export
whether any file is newer than those stats. A source never ingested counts as changed.
"""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from forge_data.config import ForgeConfig, SourceConfig
from forge_data.ingest.errors import IngestError
from forge_data.ingest.paths import resolve_source_path, selected
from forge_data.ingest.walk import VCS_DIRS
from forge_data.tables import read_json
from forge_data.workspace import Workspace


@dataclass(frozen=True)
class SourceState:
    """A source as it is now: its commit (git) or its fingerprint (exports), and its newest file time."""

    source: str
    kind: str
    version: str
    newest_mtime_ns: int = 0

    @property
    def run_key(self) -> str:
        prefix = "git" if self.kind == "git" else "folder"
        return f"{prefix}:{self.source}:{self.version}"


def git_head(cfg: ForgeConfig, source: SourceConfig) -> str:
    from forge_data.ingest.git_repo import GitRepo

    return GitRepo(resolve_source_path(source.path, cfg.base_dir)).resolve(source.ref)


def _files(root: Path, source: SourceConfig) -> list[tuple[str, os.stat_result]]:
    if root.is_file():
        return [(root.name, root.stat())]
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in VCS_DIRS)  # as ingestion skips them
        for name in names:
            full = Path(folder) / name
            rel = full.relative_to(root).as_posix()
            if selected(rel, source.include, source.exclude):
                found.append((rel, full.stat(follow_symlinks=False)))
    return found


def folder_fingerprint(cfg: ForgeConfig, source: SourceConfig) -> tuple[str, int]:
    """(fingerprint, newest mtime_ns) of an export's selected files."""
    root = resolve_source_path(source.path, cfg.base_dir)
    if not root.exists():
        raise IngestError(f"source {source.name!r}: {root} does not exist")
    digest = hashlib.sha256()
    newest = 0
    for rel, st in sorted(_files(root, source)):
        digest.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        newest = max(newest, st.st_mtime_ns)
    return digest.hexdigest()[:16], newest


def current_state(cfg: ForgeConfig, source: SourceConfig) -> SourceState:
    """Raises IngestError (with a reason naming the source) when the source cannot be read."""
    if source.kind == "git":
        return SourceState(source.name, "git", git_head(cfg, source))
    fingerprint, newest = folder_fingerprint(cfg, source)
    return SourceState(source.name, source.kind, fingerprint, newest)


def changed_since_ingestion(ws: Workspace, state: SourceState) -> bool:
    """With no earlier look at the source: does it differ from what its last ingestion read?"""
    stats_path = ws.ingest_stats(state.source)
    if not stats_path.is_file():
        return True
    if state.kind == "git":
        return read_json(stats_path).get("head") != state.version
    return state.newest_mtime_ns > stats_path.stat().st_mtime_ns


@dataclass
class Scan:
    changed: list[SourceState]
    seen: dict[str, str]  # source -> version, for the cursor
    problems: list[str]  # sources that could not be read, with the reason


def scan(cfg: ForgeConfig, ws: Workspace, seen: dict[str, str]) -> Scan:
    """Compare every configured source with what was ``seen`` before (source -> version)."""
    changed, now, problems = [], {}, []
    for source in cfg.sources:
        try:
            state = current_state(cfg, source)
        except (IngestError, OSError) as err:
            problems.append(f"{source.name}: {err}")
            if source.name in seen:
                now[source.name] = seen[source.name]  # keep the last good version until it reads again
            continue
        now[source.name] = state.version
        before = seen.get(source.name)
        if before is None and changed_since_ingestion(ws, state):
            changed.append(state)
        elif before is not None and before != state.version:
            changed.append(state)
    return Scan(changed, now, problems)
