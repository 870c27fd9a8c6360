"""Ingest throughput per source kind (MB/s), each beside the baseline of merely reading the same input.

    .venv/bin/python bench/ingest_throughput.py [--scale 1.0] [--repeat 3] [--only git,slack] [--json]

For every kind the script writes a synthetic corpus into a temporary folder, then
times, in this one process and on the same bytes:

  ingest    forge_data.ingest.ingest_source on the corpus (triage, decoding, parsing,
            language detection, hashing, provenance, Arrow tables)
  baseline  the cheapest way to get at the same content:
              git        git ls-tree + one `git cat-file --batch` over every blob
              markdown   reading every file's bytes from disk
              html       reading every file's bytes from disk
              mediawiki  lxml iterparse over the dump, touching every page's text
              docx       unstructured's partition_docx alone on every file
              pdf        pypdf's extract_text alone on every page
              slack      json.load of every file of the export
              mbox       the standard library's mailbox.mbox, every message's payload

``overhead`` is ingest seconds / baseline seconds: how much more ingestion costs
than the read it cannot avoid. Best of ``--repeat`` alternating runs; libraries are warmed up
first so one-off imports (langdetect, spaCy, unstructured) are not counted.
"""

from __future__ import annotations

import argparse
import io
import json
import mailbox
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forge_data.config import SourceConfig  # noqa: E402
from forge_data.ingest import ingest_source  # noqa: E402

WORDS = (
    "deploy service queue ledger billing customer invoice worker restart migration rollback alert "
    "dashboard latency budget incident owner release branch review schema database cache token "
    "request response timeout retry backoff shard replica cluster node metric trace log config"
).split()
GIT = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com", "-c", "commit.gpgsign=false"]


def sentence(rng: random.Random, n: int = 14) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))


def size_of(path: Path) -> int:
    return (
        sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        if path.is_dir()
        else path.stat().st_size
    )


# --- corpora ---------------------------------------------------------------------------------


def make_git(root: Path, rng: random.Random, n: int) -> Path:
    repo = root / "repo"
    repo.mkdir()
    subprocess.run([*GIT, "-C", str(repo), "init", "-q", "-b", "main"], check=True)
    for i in range(n):
        body = "\n\n".join(
            f"def {rng.choice(WORDS)}_{i}_{j}(event, retries=3):\n"
            f'    """{sentence(rng)}"""\n'
            f"    for attempt in range(retries):\n"
            f"        result = handle(event, attempt)  # {sentence(rng, 6)}\n"
            f"        if result.ok:\n            return result\n    raise TimeoutError({j})"
            for j in range(rng.randint(10, 30))
        )
        path = repo / f"pkg{i % 20}" / f"module_{i}.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"# SPDX-License-Identifier: Apache-2.0\nimport os\n\n{body}\n")
        if i % 10 == 0:
            (repo / f"pkg{i % 20}" / f"README_{i}.md").write_text(f"# Package {i}\n\n{paragraph(rng)}\n")
    subprocess.run([*GIT, "-C", str(repo), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(repo), "commit", "-q", "-m", "corpus"], check=True)
    return repo


def make_markdown(root: Path, rng: random.Random, n: int) -> Path:
    wiki = root / "markdown"
    wiki.mkdir()
    for i in range(n):
        sections = "\n\n".join(
            f"## {sentence(rng, 3)}\n\n{paragraph(rng)}\n\n{paragraph(rng)}" for _ in range(8)
        )
        (wiki / f"page_{i}.md").write_text(
            f"---\ntitle: Page {i}\ntags: [ops]\n---\n# Page {i}\n\n{sections}\n"
        )
    return wiki


def make_html(root: Path, rng: random.Random, n: int) -> Path:
    wiki = root / "html"
    wiki.mkdir()
    nav = "<nav><ul>" + "".join(f"<li><a href='/{w}'>{w}</a></li>" for w in WORDS[:15]) + "</ul></nav>"
    for i in range(n):
        body = "".join(f"<h2>{sentence(rng, 3)}</h2><p>{paragraph(rng)}</p><ul><li>{sentence(rng)}</li></ul>"
                       for _ in range(8))  # fmt: skip
        (wiki / f"page_{i}.html").write_text(
            f"<html><head><title>Page {i}</title><script>track()</script></head><body>{nav}"
            f"<main><h1>Page {i}</h1>{body}</main><footer>ACME</footer></body></html>"
        )
    return wiki


def make_mediawiki(root: Path, rng: random.Random, n: int) -> Path:
    path = root / "wiki.xml"
    with path.open("w") as fh:
        fh.write('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">')
        for i in range(n):
            text = "\n".join(f"== {sentence(rng, 3)} ==\n{{{{Note|x}}}}'''{sentence(rng, 4)}''' {paragraph(rng)} "
                             f"[[Page {rng.randint(0, n)}|see also]]" for _ in range(5))  # fmt: skip
            fh.write(
                f"<page><title>Page {i}</title><ns>0</ns><id>{i}</id><revision><id>{i}</id>"
                f"<timestamp>2024-01-01T00:00:00Z</timestamp><model>wikitext</model>"
                f'<text xml:space="preserve">{text}</text></revision></page>'
            )
        fh.write("</mediawiki>")
    return path


def make_docx(root: Path, rng: random.Random, n: int) -> Path:
    import docx

    folder = root / "docx"
    folder.mkdir()
    for i in range(n):
        doc = docx.Document()
        doc.add_heading(f"Handbook {i}", 0)
        for _ in range(10):
            doc.add_heading(sentence(rng, 3), 1)
            doc.add_paragraph(paragraph(rng))
            doc.add_paragraph(sentence(rng), style="List Bullet")
        doc.save(folder / f"handbook_{i}.docx")
    return folder


def make_pdf(root: Path, rng: random.Random, n: int) -> Path:
    from tests.forge_data.ingest.fixtures import make_pdf as build

    folder = root / "pdf"
    folder.mkdir()
    for i in range(n):
        (folder / f"report_{i}.pdf").write_bytes(
            build([sentence(rng, 12) for _ in range(10)], title=f"Report {i}")
        )
    return folder


def make_slack(root: Path, rng: random.Random, n: int) -> Path:
    export = root / "slack"
    export.mkdir()
    channels = [f"chan{c}" for c in range(max(1, n // 30))]
    (export / "channels.json").write_text(
        json.dumps([{"id": f"C{i}", "name": c} for i, c in enumerate(channels)])
    )
    (export / "users.json").write_text(json.dumps([{"id": f"U{i}", "name": f"user{i}"} for i in range(40)]))
    ts = 1_704_067_200.0
    for c in channels:
        (export / c).mkdir()
        for day in range(30):
            messages, thread = [], None
            for _ in range(40):
                ts += rng.randint(30, 600)
                m = {"type": "message", "user": f"U{rng.randint(0, 39)}", "ts": f"{ts:.6f}",
                     "text": f"{sentence(rng)} <@U{rng.randint(0, 39)}>"}  # fmt: skip
                if thread and rng.random() < 0.3:
                    m["thread_ts"] = thread
                elif rng.random() < 0.1:
                    thread = m["thread_ts"] = m["ts"]
                messages.append(m)
            date = time.strftime("%Y-%m-%d", time.gmtime(1_704_067_200 + day * 86400))
            (export / c / f"{date}.json").write_text(json.dumps(messages))
    return export


def make_mbox(root: Path, rng: random.Random, n: int) -> Path:
    path = root / "team.mbox"
    with path.open("w") as fh:
        for i in range(n):
            parent = f"In-Reply-To: <m{rng.randint(0, i - 1)}@x>\n" if i and rng.random() < 0.6 else ""
            fh.write(
                f"From user{i % 30}@example.com Mon Jan  8 10:00:00 2024\nFrom: user{i % 30}@example.com\n"
                f"Subject: {sentence(rng, 4)}\nMessage-ID: <m{i}@x>\n{parent}"
                f"Date: Mon, 08 Jan 2024 10:{i % 60:02d}:00 +0000\nContent-Type: text/plain; charset=utf-8\n\n"
                f"{paragraph(rng)}\n\n{paragraph(rng)}\n\n"
            )
    return path


# --- baselines -------------------------------------------------------------------------------


def read_git(repo: Path) -> None:
    tree = subprocess.run(
        ["git", "-C", str(repo), "ls-tree", "-r", "HEAD"], capture_output=True, check=True
    ).stdout
    oids = b"".join(line.split()[2] + b"\n" for line in tree.splitlines())
    subprocess.run(
        ["git", "-C", str(repo), "cat-file", "--batch"], input=oids, capture_output=True, check=True
    )


def read_files(folder: Path) -> None:
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            p.read_bytes()


def parse_mediawiki(path: Path) -> None:
    from lxml import etree

    for _, el in etree.iterparse(str(path), tag="{*}text"):
        _ = el.text
        el.clear()


def partition_docx(folder: Path) -> None:
    from forge_data.ingest import unstructured_offline

    for p in sorted(folder.glob("*.docx")):
        unstructured_offline.partition_docx(p.read_bytes())


def extract_pdf(folder: Path) -> None:
    from pypdf import PdfReader

    for p in sorted(folder.glob("*.pdf")):
        for page in PdfReader(io.BytesIO(p.read_bytes())).pages:
            page.extract_text()


def load_slack(folder: Path) -> None:
    for p in sorted(folder.rglob("*.json")):
        json.loads(p.read_text())


def parse_mbox(path: Path) -> None:
    for msg in mailbox.mbox(path):
        msg.get_payload(decode=True)


KINDS: dict[str, tuple[str, Callable, int, Callable]] = {
    # name: (source kind, corpus builder, items at scale 1, baseline)
    "git": ("git", make_git, 600, read_git),
    "markdown": ("wiki", make_markdown, 600, read_files),
    "html": ("wiki", make_html, 600, read_files),
    "mediawiki": ("wiki", make_mediawiki, 2500, parse_mediawiki),
    "docx": ("wiki", make_docx, 60, partition_docx),
    "pdf": ("wiki", make_pdf, 200, extract_pdf),
    "slack": ("chat", make_slack, 150, load_slack),
    "mbox": ("chat", make_mbox, 5000, parse_mbox),
}


def interleaved(a: Callable[[], object], b: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best time of each, run alternately so that load from other processes hits both alike."""
    times_a, times_b = [], []
    for _ in range(repeat):
        for fn, times in ((a, times_a), (b, times_b)):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
    return min(times_a), min(times_b)


def warm_up(root: Path) -> None:
    """Load langdetect, spaCy and unstructured once, outside any timing."""
    rng = random.Random(0)
    warm = root / "warm"
    warm.mkdir()
    make_docx(warm, rng, 1)
    partition_docx(warm / "docx")
    ingest_source(SourceConfig(name="warm", kind="wiki", path=str(warm)), base_dir=warm)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every corpus size")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", default="", help="comma-separated kinds")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    chosen = [k for k in KINDS if not args.only or k in args.only.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        warm_up(root)
        for name in chosen:
            kind, build, n, baseline = KINDS[name]
            (root / name).mkdir()
            path = build(root / name, random.Random(1), max(1, int(n * args.scale)))
            mb = size_of(path) / 1e6
            source = SourceConfig(name=name, kind=kind, path=str(path), max_file_bytes=50_000_000)
            result = ingest_source(source, base_dir=root)
            t_ingest, t_base = interleaved(
                lambda s=source: ingest_source(s, base_dir=root), lambda p=path, f=baseline: f(p), args.repeat
            )
            rows.append({
                "kind": name, "mb": round(mb, 2), "inputs": result.stats["inputs"], "records": result.stats["records"],
                "ingest_s": round(t_ingest, 3), "ingest_mb_s": round(mb / t_ingest, 2),
                "baseline": baseline.__name__, "baseline_s": round(t_base, 3), "baseline_mb_s": round(mb / t_base, 2),
                "overhead": round(t_ingest / t_base, 1),
            })  # fmt: skip
            if not args.json:
                r = rows[-1]
                print(f"{r['kind']:<10} {r['mb']:>7.2f} MB  {r['inputs']:>6} inputs  ingest {r['ingest_mb_s']:>8.2f} MB/s"
                      f"  baseline ({r['baseline']}) {r['baseline_mb_s']:>9.2f} MB/s  overhead x{r['overhead']}",
                      flush=True)  # fmt: skip
    if args.json:
        print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
