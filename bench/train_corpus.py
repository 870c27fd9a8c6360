"""Corpora for the training benchmarks, built offline from what any machine with this venv has.

* ``local``: real text — Python standard-library modules as code, the long descriptions of the
  installed packages (their READMEs, mostly Markdown) as docs, and templated chat threads (no real
  chat log ships with Python) — about ``target_bytes`` in all, 40/40/20 by bytes.
* a RECORD_SCHEMA file (``--records path.parquet|.jsonl``): e.g. the sample company's curated records.
"""

from __future__ import annotations

import email
import random
import sysconfig
from pathlib import Path

from forge_data.datasets import read_dataset
from forge_data.schema import make_record
from tests.training.synthetic import SERVICES, thread_turns


def _take(paths: list[Path], budget: int, read) -> list[tuple[Path, str]]:
    out, used = [], 0
    for path in paths:
        text = read(path)
        if not text or len(text) < 200 or len(text) > 40_000:
            continue
        out.append((path, text))
        used += len(text)
        if used >= budget:
            break
    return out


def _package_description(path: Path) -> str:
    message = email.message_from_string(path.read_text(encoding="utf-8", errors="replace"))
    body = message.get_payload()
    return body.strip() if isinstance(body, str) else ""


def local_records(target_bytes: int = 1_000_000, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    code_files = sorted(stdlib.glob("*.py"))
    rng.shuffle(code_files)
    code = _take(
        code_files, int(target_bytes * 0.4), lambda p: p.read_text(encoding="utf-8", errors="replace")
    )
    metadata = sorted(Path(sysconfig.get_paths()["purelib"]).glob("*.dist-info/METADATA"))
    rng.shuffle(metadata)
    docs = _take(metadata, int(target_bytes * 0.4), _package_description)

    records = [
        make_record(kind="code", source="stdlib", uri=p.name, language="python", text=text)
        for p, text in code
    ]
    records += [
        make_record(
            kind="doc", source="packages", uri=p.parent.name, title=p.parent.name.split("-")[0], text=text
        )
        for p, text in docs
    ]
    chat_bytes, i = 0, 0
    while chat_bytes < target_bytes * 0.2:
        turns = thread_turns(rng, SERVICES[i % len(SERVICES)])
        text = "\n".join(f"{t['speaker']}: {t['text']}" for t in turns)
        records.append(make_record(kind="chat", source="chat", uri=f"chat/{i}", text=text, turns=turns))
        chat_bytes += len(text)
        i += 1
    return records


def load_records(path: str | None, target_bytes: int = 1_000_000) -> list[dict]:
    return read_dataset(path) if path else local_records(target_bytes)
