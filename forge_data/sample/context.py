"""What every part of the generator shares: the output folder, the cast, the ledger, the seed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from .company import Company
from .incidents import Incident
from .manifest import Ledger


@dataclass
class Context:
    root: Path
    seed: int
    scale: int
    company: Company
    ledger: Ledger
    incidents: list[Incident]

    def rng(self, part: str) -> random.Random:
        """An independent generator per part, so changing one part never reshuffles another.

        String seeds are hashed with SHA-512 by ``random.Random``, independent of PYTHONHASHSEED.
        """
        return random.Random(f"{self.seed}:{part}")

    def write(self, rel: str, content: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="\n")
        return path
