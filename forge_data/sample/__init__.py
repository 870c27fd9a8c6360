"""The bundled sample company: a seeded, deterministic corpus of Acme Robotics' code, wiki and chat.

    manifest = generate_sample_company(out_dir, seed=7, scale=1)
    write_project_file(manifest, out_dir / "forge.yaml")

``forge demo``, the tests and the benchmarks run on it. The manifest (also written as
``out_dir/manifest.json``) holds the ground truth: planted PII, secrets, canaries, duplicates.
"""

from .generate import generate_sample_company
from .locate import text_at
from .manifest import Canary, DuplicatePair, Location, Planted, SampleManifest
from .project_file import write_project_file

__all__ = [
    "Canary",
    "DuplicatePair",
    "Location",
    "Planted",
    "SampleManifest",
    "generate_sample_company",
    "text_at",
    "write_project_file",
]
