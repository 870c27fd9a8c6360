"""One generated sample (seed 7, scale 1) shared by the sample tests; generation takes about a second."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from forge_data.sample import generate_sample_company


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    return generate_sample_company(tmp_path_factory.mktemp("sample") / "acme", seed=7)


def tree_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` except git's own database."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }
