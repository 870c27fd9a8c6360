"""The model registry: versioned HF-format model folders with model cards, and an index that answers
"which models were trained on data commit X".

Layout::

    <registry>/index.json                 every entry: name, version, data commit, status, figures
    <registry>/<name>/<version>/          config.json, model.safetensors, generation_config.json,
                                          tokenizer files, README.md (model card), entry.json

A registered folder loads with ``AutoModelForCausalLM.from_pretrained(path)``. Versions are
``v1``, ``v2``, ... per name, never reused. ``mark_stale`` flags an entry (e.g. when ``forge
forget`` removes data it was trained on) and rewrites its card; the files stay for audit.
Pure Python: nothing here imports torch or transformers.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

INDEX = "index.json"
CARD = "README.md"
ENTRY = "entry.json"
# What a model folder needs to be loadable, and what else we ship with it.
REQUIRED = ("config.json",)
COPY_PATTERNS = (
    "*.safetensors",
    "model.safetensors.index.json",
    "config.json",
    "generation_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "chat_template.jinja",
    "vocab.json",
    "merges.txt",
    "tokenizer.model",
)
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")


class RegistryError(ValueError):
    """A registry operation that cannot be done, with the reason."""


@dataclass(frozen=True)
class RegistryEntry:
    name: str
    version: str
    path: str
    data_commit: str
    created_at: str
    recipe: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    lineage: dict[str, Any] = field(default_factory=dict)
    status: str = "active"  # active | stale
    stale_reason: str | None = None
    stale_at: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.name}/{self.version}"


# --- index -----------------------------------------------------------------------------------


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One writer at a time (two training runs may finish together)."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str), encoding="utf-8")
    os.replace(tmp, path)


def _read_index(root: Path) -> list[RegistryEntry]:
    path = root / INDEX
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise RegistryError(f"{path}: the registry index is not valid JSON ({err.msg})") from None
    return [RegistryEntry(**e) for e in data.get("models", [])]


def _write_index(root: Path, entries: list[RegistryEntry]) -> None:
    _write_json(root / INDEX, {"models": [asdict(e) for e in entries]})


def _next_version(entries: list[RegistryEntry], name: str) -> str:
    taken = [int(e.version[1:]) for e in entries if e.name == name and e.version[1:].isdigit()]
    return f"v{max(taken, default=0) + 1}"


# --- public API ------------------------------------------------------------------------------


def register_model(
    model_dir: str | Path,
    registry_root: str | Path,
    *,
    name: str,
    data_commit: str,
    recipe: Mapping[str, Any],
    metrics: Mapping[str, Any],
    lineage: Mapping[str, Any] | None = None,
) -> RegistryEntry:
    """Copy a trained HF model folder into the registry as the next version of ``name``."""
    model_dir, root = Path(model_dir), Path(registry_root)
    if not _NAME.match(name):
        raise RegistryError(f"model name {name!r} must be lower-case letters, digits, '.', '_' or '-'")
    if not data_commit:
        raise RegistryError("a model cannot be registered without the data commit it was trained on")
    missing = [f for f in REQUIRED if not (model_dir / f).is_file()]
    if missing or not any(model_dir.glob("*.safetensors")):
        raise RegistryError(f"{model_dir}: not an HF model folder (needs config.json and *.safetensors)")

    with _locked(root):
        entries = _read_index(root)
        version = _next_version(entries, name)
        dest = root / name / version
        staging = root / name / f".{version}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for pattern in COPY_PATTERNS:
            for src in model_dir.glob(pattern):
                shutil.copy2(src, staging / src.name)
        entry = RegistryEntry(
            name=name,
            version=version,
            path=str(dest.resolve()),
            data_commit=data_commit,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            recipe=json.loads(json.dumps(dict(recipe), default=str)),
            metrics=json.loads(json.dumps(dict(metrics), default=str)),
            lineage=json.loads(json.dumps(dict(lineage or {}), default=str)),
        )
        _write_card(staging, entry)
        os.replace(staging, dest)  # the version appears whole or not at all
        _write_index(root, [*entries, entry])
    return entry


def list_models(registry_root: str | Path, name: str | None = None) -> list[RegistryEntry]:
    return [e for e in _read_index(Path(registry_root)) if name is None or e.name == name]


def get_model(registry_root: str | Path, name: str, version: str | None = None) -> RegistryEntry:
    """One entry; without ``version``, the newest active one."""
    entries = list_models(registry_root, name)
    if version is not None:
        found = [e for e in entries if e.version == version]
    else:
        found = [e for e in entries if e.status == "active"][-1:]
    if not found:
        raise RegistryError(
            f"no {'active ' if version is None else ''}model {name}/{version or 'latest'} in the registry"
        )
    return found[0]


def models_trained_on(registry_root: str | Path, data_commit: str) -> list[RegistryEntry]:
    """Every entry trained on ``data_commit`` (lineage's question for a deletion request)."""
    return [e for e in _read_index(Path(registry_root)) if e.data_commit == data_commit]


def mark_stale(registry_root: str | Path, name: str, version: str, reason: str) -> RegistryEntry:
    """Flag one version as stale (it saw data that has since been removed); its card says so."""
    root = Path(registry_root)
    with _locked(root):
        entries = _read_index(root)
        for i, e in enumerate(entries):
            if e.name == name and e.version == version:
                entries[i] = replace(
                    e,
                    status="stale",
                    stale_reason=reason,
                    stale_at=datetime.now(UTC).isoformat(timespec="seconds"),
                )
                _write_index(root, entries)
                _write_card(Path(e.path), entries[i])
                return entries[i]
    raise RegistryError(f"no model {name}/{version} in the registry")


# --- model card ------------------------------------------------------------------------------


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts as dotted keys (``stages.cpt.max_steps``); the same keys in cards and asset metadata."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def _table(data: Mapping[str, Any], empty: str) -> str:
    rows = {k: v for k, v in flatten(data).items() if not isinstance(v, list)}
    if not rows:
        return empty
    lines = ["| key | value |", "| --- | --- |"]
    lines += [f"| `{k}` | {str(v).replace('|', '/')} |" for k, v in rows.items()]
    return "\n".join(lines)


def _memorization(metrics: Mapping[str, Any]) -> str:
    audit = metrics.get("memorization")
    if not isinstance(audit, Mapping):
        return "No canary audit was run for this model."
    verdict = (
        "passed: no canary was reproduced" if audit.get("passed") else "FAILED: canaries were reproduced"
    )
    return (
        f"Canary strings planted in the raw data (and removed by redaction) were given to the model as "
        f"prefixes; {audit.get('leaked')} of {audit.get('canaries')} continuations reproduced the rest "
        f"(longest partial match {audit.get('max_match_fraction')}). Audit {verdict}."
    )


def _samples(metrics: Mapping[str, Any]) -> str:
    samples = metrics.get("samples") or []
    if not samples:
        return ""
    lines = ["", "## Sample generations", ""]
    for s in samples:
        lines += [
            f"**Prompt:** {s.get('prompt', '')}",
            "",
            "```text",
            str(s.get("output", "")).strip(),
            "```",
            "",
        ]
    return "\n".join(lines)


def render_card(entry: RegistryEntry) -> str:
    header = {
        "library_name": "transformers",
        "pipeline_tag": "text-generation",
        "tags": ["forge", "causal-lm"],
        "model_name": entry.name,
        "version": entry.version,
        "data_commit": entry.data_commit,
        "status": entry.status,
        "created_at": entry.created_at,
    }
    if entry.lineage.get("base_model"):
        header["base_model"] = entry.lineage["base_model"]
    stale = ""
    if entry.status == "stale":
        stale = f"\n> **Stale since {entry.stale_at}:** {entry.stale_reason}. Do not deploy; retrain.\n"
    return f"""---
{yaml.safe_dump(header, sort_keys=False).strip()}
---

# {entry.name} {entry.version}
{stale}
A language model trained by Forge on the company's own code, documentation and chat, after
curation (quality filters, deduplication, PII and secret redaction).

## Data

Trained on data commit `{entry.data_commit}` of the version store. Every document in that commit
is traceable to its source (repository and path, wiki page, chat thread).

{_table(entry.lineage, "No further lineage was recorded.")}

## Recipe

{_table(entry.recipe, "No recipe was recorded.")}

## Metrics

{_table({k: v for k, v in entry.metrics.items() if k != "memorization"}, "No metrics were recorded.")}

## Memorization audit

{_memorization(entry.metrics)}
{_samples(entry.metrics)}
## Intended use

An internal assistant for the company's engineers: answering questions about its code, runbooks
and past discussions, drafting code in its conventions. Keep a person in the loop.

## Limitations

- Small models trained on one company's data make things up; check answers against the sources.
- Knowledge stops at the data commit above; later changes are unknown to it.
- Redaction lowers but cannot rule out the chance that personal data was learned; the memorization
  audit tests planted canaries only.
- Not evaluated for use outside the company or for decisions about people.

## Loading

```python
from transformers import AutoModelForCausalLM, AutoTokenizer

model = AutoModelForCausalLM.from_pretrained("{entry.path}")
tokenizer = AutoTokenizer.from_pretrained("{entry.path}")
```
"""


def _write_card(folder: Path, entry: RegistryEntry) -> None:
    (folder / CARD).write_text(render_card(entry), encoding="utf-8")
    _write_json(folder / ENTRY, asdict(entry))
