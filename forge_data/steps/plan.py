"""What a curation run re-curates: the diff between the sources' snapshots and main's ledger.

The published ledger names every input of every source once, with the fingerprint it had and what
became of it (kept, duplicate, quarantined) and its duplicate cluster. Against the snapshots the
last ingest left, an incremental plan lists

- ``changed``: inputs that are new or whose content changed;
- ``removed``: inputs main has that the sources no longer hold (or that were suppressed);
- ``pulled``:  unchanged members of a duplicate cluster that lost or changed a member, so the
  cluster is decided again as a full run would (its keeper may change, or it may split).

Everything else stays as main has it. A full plan lists every input as changed: when asked,
when nothing is published yet, when curation settings or the pseudonym key changed, when a
source was added or removed, or when the saved dedup index does not describe main's head.

    work/curate/plan/plan.json        id, mode, reason, base commit, counts
    work/curate/plan/actions.parquet  key, id, source, origin, action
    work/curate/plan/members.parquet  cluster_id, key, id, source: main's duplicate clusters
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from forge_data.config import ForgeConfig
from forge_data.steps import dedup_state, layout, snapshot
from forge_data.steps.ingest import full_requested
from forge_data.store import NotFound, VersionStore
from forge_data.tables import read_json, read_parquet, write_json, write_parquet
from forge_data.workspace import Workspace

LEDGER_SCHEMA = pa.schema(
    [
        ("key", pa.string()),
        ("id", pa.string()),
        ("origin", pa.string()),  # record | quarantine (an ingest reject)
        ("fingerprint", pa.string()),  # "" marks an input to re-curate (set by forget)
        ("outcome", pa.string()),  # kept | duplicate | quarantined
        ("cluster_id", pa.string()),
    ]
)
ACTIONS_SCHEMA = pa.schema(
    [
        ("key", pa.string()),
        ("id", pa.string()),
        ("source", pa.string()),
        ("origin", pa.string()),
        ("action", pa.string()),  # changed | removed | pulled
    ]
)
MEMBERS_SCHEMA = pa.schema(
    [("cluster_id", pa.string()), ("key", pa.string()), ("id", pa.string()), ("source", pa.string())]
)


@dataclass
class Plan:
    id: str
    mode: str  # full | incremental
    reason: str
    base: str
    curation_hash: str
    actions: pa.Table = field(default_factory=ACTIONS_SCHEMA.empty_table)
    members: pa.Table = field(default_factory=MEMBERS_SCHEMA.empty_table)
    # What main held at ``base`` and staging builds on, read once here.
    ledgers: dict[str, pa.Table] = field(default_factory=dict)
    base_manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def full(self) -> bool:
        return self.mode == "full"

    def select(self, *actions: str, origin: str | None = None) -> pa.Table:
        rows = self.actions.filter(pc.is_in(self.actions.column("action"), pa.array(actions, pa.string())))
        return rows if origin is None else rows.filter(pc.equal(rows.column("origin"), origin))

    def ids(self, *actions: str, origin: str = "record") -> set[str]:
        return set(self.select(*actions, origin=origin).column("id").to_pylist())

    def keys(self, *actions: str) -> set[str]:
        return set(self.select(*actions).column("key").to_pylist())

    def sources(self) -> set[str]:
        return set(self.actions.column("source").to_pylist())

    def pull(self, clusters: set[str], already: set[str]) -> pa.Table:
        """Add the members of ``clusters`` not in ``already`` as pulled; returns the added rows."""
        members = self.members.filter(
            pc.is_in(self.members.column("cluster_id"), pa.array(sorted(clusters), pa.string()))
        )
        members = members.filter(
            pc.invert(pc.is_in(members.column("id"), pa.array(sorted(already), pa.string())))
        )
        added = pa.table(
            {
                "key": members.column("key"),
                "id": members.column("id"),
                "source": members.column("source"),
                "origin": pa.array(["record"] * members.num_rows, pa.string()),
                "action": pa.array(["pulled"] * members.num_rows, pa.string()),
            },
            schema=ACTIONS_SCHEMA,
        )
        self.actions = pa.concat_tables([self.actions, added])
        return added

    def counts(self) -> dict[str, int]:
        col = self.actions.column("action").to_pylist()
        return {a: col.count(a) for a in ("changed", "removed", "pulled")}

    def summary(self) -> dict[str, Any]:
        return {"plan": self.id, "mode": self.mode, "reason": self.reason, "base": self.base, **self.counts()}


def curation_hash(cfg: ForgeConfig, ws: Workspace) -> str:
    """What, besides the inputs, decides the curated data: curation settings and the pseudonym key."""
    from forge_data.pii import load_pseudonym_key

    key = load_pseudonym_key(cfg.curation.pii, ws.root) if cfg.curation.pii.enabled else b""
    payload = cfg.curation.model_dump_json().encode() + b"\0" + hashlib.sha256(key).digest()
    return hashlib.sha256(payload).hexdigest()[:16]


def _read(store: VersionStore, ref: str, path: str) -> pa.Table | None:
    from forge_data.store import read_table

    try:
        return read_table(store, ref, path)
    except NotFound:
        return None


def _manifest(store: VersionStore, base: str) -> dict[str, Any] | None:
    from forge_data.steps.publish import read_manifest

    try:
        return read_manifest(store, base)
    except NotFound:
        return None


def _why_full(cfg: ForgeConfig, ws: Workspace, manifest: dict | None, base: str, chash: str) -> str | None:
    if manifest is None:
        return "nothing is published yet"
    if manifest.get("curation_hash") != chash:
        return "curation settings or the pseudonym key changed since the last publish"
    if sorted(manifest.get("by_source", {})) != sorted(s.name for s in cfg.sources):
        return "the configured sources differ from the published ones"
    if not dedup_state.describes(ws, base):
        return "the saved dedup index does not describe main's head"
    return None


def make(cfg: ForgeConfig, ws: Workspace, store: VersionStore, full: bool | None = None) -> Plan:
    base = store.head(store.main)
    chash = curation_hash(cfg, ws)
    manifest = None if full_requested(full) else _manifest(store, base)
    reason = "full run requested" if full_requested(full) else _why_full(cfg, ws, manifest, base, chash)
    ledgers: dict[str, pa.Table] = {}
    if reason is None:
        for source in cfg.sources:
            ledger = _read(store, base, layout.source_path(layout.LEDGER_PREFIX, source.name))
            if ledger is None:
                reason = f"source {source.name!r} has no published ledger"
                break
            ledgers[source.name] = ledger
    plan = Plan(uuid.uuid4().hex[:12], "full" if reason else "incremental", reason or "", base, chash)
    parts = []
    for source in cfg.sources:
        inputs = snapshot.load_inputs(ws, source.name)
        if plan.full:
            parts.append(_actions(inputs, source.name, "changed"))
            continue
        ledger = ledgers[source.name]
        known = dict(
            zip(ledger.column("key").to_pylist(), ledger.column("fingerprint").to_pylist(), strict=True)
        )
        fresh = [known.get(k) != f for k, f in zip(inputs.column("key").to_pylist(), inputs.column("fingerprint").to_pylist(), strict=True)]  # fmt: skip
        parts.append(_actions(inputs.filter(pa.array(fresh, pa.bool_())), source.name, "changed"))
        gone = ledger.filter(pc.invert(pc.is_in(ledger.column("key"), inputs.column("key"))))
        parts.append(_actions(gone, source.name, "removed"))
    plan.actions = pa.concat_tables(parts) if parts else ACTIONS_SCHEMA.empty_table()
    if not plan.full:
        plan.ledgers, plan.base_manifest = ledgers, manifest or {}
        plan.members = _members(ledgers)
        touched = plan.keys("changed", "removed")
        m = plan.members
        affected = set(m.filter(pc.is_in(m.column("key"), pa.array(sorted(touched), pa.string()))).column("cluster_id").to_pylist())  # fmt: skip
        plan.pull(affected, plan.ids("changed", "removed"))
    return plan


def _actions(table: pa.Table, source: str, action: str) -> pa.Table:
    n = table.num_rows
    return pa.table(
        {
            "key": table.column("key"),
            "id": table.column("id"),
            "source": pa.array([source] * n, pa.string()),
            "origin": table.column("origin"),
            "action": pa.array([action] * n, pa.string()),
        },
        schema=ACTIONS_SCHEMA,
    )


def _members(ledgers: dict[str, pa.Table]) -> pa.Table:
    parts = []
    for source, ledger in ledgers.items():
        clustered = ledger.filter(pc.invert(pc.is_null(ledger.column("cluster_id"))))
        parts.append(
            pa.table(
                {
                    "cluster_id": clustered.column("cluster_id"),
                    "key": clustered.column("key"),
                    "id": clustered.column("id"),
                    "source": pa.array([source] * clustered.num_rows, pa.string()),
                },
                schema=MEMBERS_SCHEMA,
            )
        )
    return pa.concat_tables(parts) if parts else MEMBERS_SCHEMA.empty_table()


# --- persistence -----------------------------------------------------------------------------


def _dir(ws: Workspace):
    return ws.curate / "plan"


def save(ws: Workspace, plan: Plan) -> None:
    folder = _dir(ws)
    write_parquet(plan.actions, folder / "actions.parquet")
    write_parquet(plan.members, folder / "members.parquet")
    meta = {k: getattr(plan, k) for k in ("id", "mode", "reason", "base", "curation_hash", "base_manifest")}
    for old in folder.glob("ledger-*.parquet"):
        old.unlink()
    for source, ledger in plan.ledgers.items():
        write_parquet(ledger, folder / f"ledger-{source}.parquet")
    write_json({**meta, **plan.counts(), "ledgers": sorted(plan.ledgers)}, folder / "plan.json")


def load(ws: Workspace) -> Plan:
    folder = _dir(ws)
    if not (folder / "plan.json").is_file():
        raise FileNotFoundError(f"no curation plan in {folder}: run the filter step first")
    meta = read_json(folder / "plan.json")
    return Plan(
        meta["id"],
        meta["mode"],
        meta["reason"],
        meta["base"],
        meta["curation_hash"],
        read_parquet(folder / "actions.parquet"),
        read_parquet(folder / "members.parquet"),
        {s: read_parquet(folder / f"ledger-{s}.parquet") for s in meta.get("ledgers", [])},
        meta.get("base_manifest", {}),
    )
