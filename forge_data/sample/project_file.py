"""A forge.yaml for a generated sample: its four sources, PII settings, scorecard and side files."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from ..config import DEFAULT_ENTITIES, load
from .manifest import SampleManifest

EMPLOYEE_ID_PATTERN = r"\bEMP-\d{6}\b"
SECRET_PATTERNS = [
    r"AKIA[0-9A-Z]{16}",
    r"ghp_[A-Za-z0-9]{36}",
    r"xox[abp]-[0-9A-Za-z-]{10,}",
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
]


def _rel(manifest: SampleManifest, key: str, base: Path) -> str:
    return Path(os.path.relpath(manifest.path(key), base)).as_posix()


def project_dict(manifest: SampleManifest, base: Path) -> dict:
    """The forge.yaml content, with paths relative to ``base`` (the yaml file's folder)."""
    paths = manifest.paths
    sources = [
        {"name": name, "kind": manifest.source_kinds[name], "path": _rel(manifest, rel, base)}
        for name, rel in manifest.sources.items()
    ]
    sources[0]["ref"] = manifest.git.get("branch", "main")
    return {
        "project": {"name": "acme-robotics-sample", "state_dir": "state"},
        "sources": sources,
        "curation": {
            "pii": {
                "entities": [*DEFAULT_ENTITIES, "EMPLOYEE_ID"],
                "allow_list": list(manifest.allow_list),
                "recognizers": [
                    {
                        "name": "acme_employee_id",
                        "entity": "EMPLOYEE_ID",
                        "patterns": [EMPLOYEE_ID_PATTERN],
                        "score": 0.9,
                        "context": ["employee", "badge", "id"],
                    }
                ],
            }
        },
        "training": {
            "seed": manifest.seed,
            "stages": {
                "cpt": {"max_steps": 200},
                "sft": {"max_steps": 60},
                "dpo": {
                    "enabled": True,
                    "max_steps": 30,
                    "feedback": _rel(manifest, paths["feedback"], base),
                },
                # Groups of 8 answers and a learning rate the tiny demo model moves at: its held-out
                # expected reward rises by 0.3 to 0.65 in 40 steps (tests/training/test_sample_company.py).
                "grpo": {
                    "enabled": True,
                    "max_steps": 40,
                    "batch_size": 16,
                    "num_generations": 8,
                    "learning_rate": 2e-4,
                    "prompts": _rel(manifest, paths["grpo_prompts"], base),
                },
            },
            "eval": {"acceptance": _rel(manifest, paths["acceptance"], base)},
        },
        "scorecard": {
            "version": "1",
            "glossary": list(manifest.glossary),
            "criteria": [
                {"name": "correct_answer", "kind": "correct_answer", "weight": 1.0},
                {"name": "uses_company_terms", "kind": "terminology", "weight": 0.5},
                {
                    "name": "keeps_secrets",
                    "kind": "security",
                    "weight": 0.3,
                    "params": {"patterns": SECRET_PATTERNS},
                },
                {"name": "too_long", "kind": "length_overrun", "weight": -0.5, "params": {"max_words": 60}},
                {"name": "made_up", "kind": "hallucination", "weight": -1.0},
                {"name": "empty_or_looping", "kind": "degenerate", "weight": -1.0},
            ],
        },
    }


def write_project_file(manifest: SampleManifest, path: str | Path) -> Path:
    """Write a forge.yaml for the sample at ``path`` and check that Forge accepts it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = project_dict(manifest, path.parent.resolve())
    header = f"# Forge project for the generated Acme Robotics sample (seed {manifest.seed}, scale {manifest.scale}).\n"
    path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    load(path)  # raises ConfigError naming the field if the schema and this writer ever drift apart
    return path
