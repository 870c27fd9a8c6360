"""Generate the Acme Robotics sample company into a folder and return its manifest."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

from .company import COMPANY, DOMAIN, INTERNAL_DOMAIN, JARGON, PRODUCTS, TEAMS, glossary, make_company
from .context import Context
from .docx_pages import build_docx
from .incidents import make_incidents
from .locate import text_at
from .mail import FILE as MBOX_FILE
from .mail import build_mail
from .manifest import Ledger, SampleManifest
from .mediawiki import build_mediawiki
from .repo import build_repo
from .slack import build_slack
from .training_files import acceptance_rows, fact_occurrences, feedback_rows, grpo_rows, write_jsonl
from .wiki_html import build_html
from .wiki_markdown import build_markdown

PATHS = {
    "git_repo": "repo",
    "wiki": "wiki",
    "slack": "slack",
    "mbox": MBOX_FILE,
    "feedback": "training/feedback.jsonl",
    "acceptance": "training/acceptance.jsonl",
    "grpo_prompts": "training/grpo_prompts.jsonl",
    "manifest": "manifest.json",
}
SOURCES = {"platform-code": "repo", "wiki": "wiki", "slack": "slack", "mail": MBOX_FILE}
SOURCE_KINDS = {"platform-code": "git", "wiki": "wiki", "slack": "chat", "mail": "chat"}
CODE_SUFFIXES = (".py", ".go", ".ts", ".tsx", ".js", ".sh")
BINARY_SUFFIXES = (".png", ".docx")


def _file_hashes(root: Path) -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or rel.startswith("repo/.git/") or rel == PATHS["manifest"]:
            continue
        out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _check_args(out_dir: Path, seed: int, scale: int) -> None:
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if not isinstance(scale, int) or isinstance(scale, bool) or scale < 1:
        raise ValueError(f"scale must be an int >= 1, got {scale!r}")
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise FileExistsError(f"{out_dir} exists and is not an empty folder; the sample needs a fresh one")


def generate_sample_company(out_dir: str | Path, seed: int = 7, scale: int = 1) -> SampleManifest:
    """Write the Acme Robotics corpus into ``out_dir`` (new or empty) and return its ground truth.

    The same ``seed`` and ``scale`` give the same files byte for byte and the same git commit ids.
    ``scale`` multiplies the volume (code modules, pages, incidents, messages, mail).
    """
    out_dir = Path(out_dir)
    _check_args(out_dir, seed, scale)
    out_dir.mkdir(parents=True, exist_ok=True)
    root = out_dir.resolve()
    company = make_company(random.Random(f"{seed}:company"), scale)
    incidents = make_incidents(random.Random(f"{seed}:incidents"), company, 6 * scale)
    ledger = Ledger()
    ctx = Context(root, seed, scale, company, ledger, incidents)

    repo = build_repo(root, ctx.rng("repo"), company, ledger, scale)
    md_pages = build_markdown(ctx)
    html_pages = build_html(ctx)
    build_mediawiki(ctx)
    docx_files = build_docx(ctx)
    slack_counts = build_slack(ctx)
    emails = build_mail(ctx)

    files = _file_hashes(root)
    corpus = [rel for rel in files if not rel.startswith("training/") and not rel.endswith(BINARY_SUFFIXES)]
    texts = [text_at(root, rel) for rel in corpus] + [text_at(root, rel) for rel in docx_files]
    occurrences = fact_occurrences(texts)
    training_rng = ctx.rng("training")
    acceptance = acceptance_rows(occurrences)
    feedback = feedback_rows(training_rng)
    grpo = grpo_rows(training_rng)
    write_jsonl(root / PATHS["acceptance"], acceptance)
    write_jsonl(root / PATHS["feedback"], feedback)
    write_jsonl(root / PATHS["grpo_prompts"], grpo)
    files = _file_hashes(root)

    tracked = repo["tree"]
    mw_revisions = sum(
        1 for item in (root / "wiki/mediawiki/acme-wiki-export.xml").read_text().split("<revision>")[1:]
    )
    counts = {
        "repo_files": len(tracked),
        "code_files": sum(1 for p in tracked if p.endswith(CODE_SUFFIXES)),
        "commits": len(repo["git"]["commits"]),
        "wiki_markdown_pages": len(md_pages),
        "wiki_html_pages": len(html_pages),
        "mediawiki_pages": (root / "wiki/mediawiki/acme-wiki-export.xml").read_text().count("<page>"),
        "mediawiki_revisions": mw_revisions,
        "docx_files": len(docx_files),
        **slack_counts,
        "emails": emails,
        "text_bytes": sum((root / rel).stat().st_size for rel in corpus),
        "acceptance_tests": len(acceptance),
        "feedback_pairs": len(feedback),
        "grpo_prompts": len(grpo),
    }
    lockfiles = sorted(p for p in tracked if p.endswith(("package-lock.json", "poetry.lock", "go.sum")))
    manifest = SampleManifest(
        seed=seed,
        scale=scale,
        root=str(root),
        paths=dict(PATHS),
        sources=dict(SOURCES),
        source_kinds=dict(SOURCE_KINDS),
        company={
            "name": COMPANY,
            "domain": DOMAIN,
            "internal_domain": INTERNAL_DOMAIN,
            "products": {p.name: p.kind for p in PRODUCTS},
            "teams": list(TEAMS),
            "jargon": dict(JARGON),
            "fact_occurrences": occurrences,
        },
        glossary=glossary(),
        allow_list=[COMPANY] + [p.name for p in PRODUCTS] + list(TEAMS),
        pii=[p for p in ledger.planted if p.category == "pii"],
        secrets=[p for p in ledger.planted if p.category == "secret"],
        canaries=list(ledger.canaries),
        exact_duplicates=[d for d in ledger.pairs if d.edit_rate == 0.0],
        near_duplicates=[d for d in ledger.pairs if d.edit_rate > 0.0],
        special_files={
            "binary": sorted("repo/" + p for p in tracked if p.endswith(".png")),
            "vendored": sorted("repo/" + p for p in tracked if "/vendor/" in p),
            "minified": sorted("repo/" + p for p in tracked if p.endswith(".min.js")),
            "lockfile": ["repo/" + p for p in lockfiles],
            "ignored": repo["ignored"],
            "deleted": sorted("repo/" + p for c in repo["git"]["commits"] for p in c["deleted"]),
        },
        git=repo["git"],
        counts=counts,
        files=files,
    )
    manifest.write()
    return manifest
