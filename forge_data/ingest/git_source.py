"""Git repositories: the tracked files of one commit, triaged, with provenance down to the blob.

Given the last ingested commit (``since``), only files changed since then are
read, and removed files come back as deleted uris.
"""

from __future__ import annotations

import posixpath
from pathlib import Path, PurePosixPath
from typing import Any

from forge_data.ingest import licence, triage
from forge_data.ingest.code_language import detect_code_language
from forge_data.ingest.context import Context
from forge_data.ingest.encoding import decode
from forge_data.ingest.entry import bytes_entry
from forge_data.ingest.errors import Rejected
from forge_data.ingest.formats import markdown, office, pdf, plaintext, rst
from forge_data.ingest.git_repo import GitRepo, TreeEntry
from forge_data.ingest.paths import selected
from forge_data.ingest.wiki import read_entry

# Prose inside a repository is read as a document; other text files are code.
_DOC_SUFFIXES = {
    **dict.fromkeys(markdown.SUFFIXES, "markdown"),
    **dict.fromkeys(rst.SUFFIXES, "rst"),
    **dict.fromkeys(plaintext.SUFFIXES, "text"),
    **dict.fromkeys(pdf.SUFFIXES, "pdf"),
    **office.SUFFIXES,
}
_PROSE_NAMES = {"readme", "changelog", "changes", "contributing", "authors", "notice", "install", "news",
                "history", "copying", "license", "licence", "code_of_conduct", "security", "maintainers"}  # fmt: skip


def _doc_format(path: str) -> str | None:
    p = PurePosixPath(path)
    if not p.suffix and p.name.lower() in _PROSE_NAMES:
        return "text"
    return _DOC_SUFFIXES.get(p.suffix.lower())


def _link_escapes(path: str, target: bytes) -> bool:
    t = target.decode("utf-8", "replace")
    if t.startswith("/"):
        return True
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), t))
    return resolved == ".." or resolved.startswith("../")


def _repo_licence(repo: GitRepo, tree: list[TreeEntry]) -> tuple[str | None, str | None]:
    files = [e for e in tree if e.kind == "blob" and e.mode != "120000" and licence.is_licence_file(e.path)]
    for entry, (_, data) in zip(files, repo.blobs([e.oid for e in files]), strict=True):
        found = licence.identify(data[:200_000].decode("utf-8", "replace"))
        if found:
            return found, entry.path
    return None, files[0].path if files else None


def _metadata_reason(e: TreeEntry, max_bytes: int) -> tuple[str, str] | None:
    """Reasons decided from the tree alone, before a byte of the blob is read."""
    if e.kind == "commit":
        return "submodule", "git submodule; ingest its repository as a source of its own"
    if triage.vendored(e.path):
        return "vendored", "inside a vendored or third-party dependency folder"
    if triage.lockfile(e.path):
        return "lockfile", "dependency lockfile"
    if triage.generated_name(e.path):
        return "generated", "file name marks generated, compiled or minified output"
    if e.size == 0:
        return "empty", "empty file"
    if e.size > max_bytes:
        return "too_large", f"{e.size} bytes exceed the limit of {max_bytes}"
    return None


def _code(data: bytes, path: str, ctx: Context) -> tuple[str, dict[str, Any], str | None]:
    if triage.lfs_pointer(data):
        raise Rejected("lfs_pointer", "Git LFS pointer; the content lives outside the repository")
    if triage.binary(data[:8192]):
        raise Rejected("binary", "binary file")
    decoded = decode(data)
    if triage.generated_marker(decoded.text):
        raise Rejected("generated", "file header says it is generated")
    if triage.minified(decoded.text, ctx.limits.max_line_chars):
        raise Rejected(
            "minified", f"most of the text is in lines over {ctx.limits.max_line_chars} characters"
        )
    meta: dict[str, Any] = {}
    if decoded.encoding != "utf-8":
        meta["encoding"] = decoded.encoding
    if spdx := licence.spdx_header(decoded.text):
        meta.update(licence=spdx, licence_source="spdx_header")
    return decoded.text, meta, detect_code_language(path, decoded.text)


def ingest_git(
    root: Path, ctx: Context, *, ref: str | None, since: str | None, include: list[str], exclude: list[str]
) -> tuple[list[str], dict[str, Any]]:
    repo = GitRepo(root)
    head = repo.resolve(ref)
    tree = repo.tree(head)
    when = repo.commit_time(head)
    repo_licence, licence_file = _repo_licence(repo, tree)
    deleted: list[str] = []
    if since:
        base = repo.resolve(since)
        changes = repo.changes(base, head)
        deleted = [f"{repo.name}/{c.path}" for c in changes if c.status == "D"]
        wanted = {c.path for c in changes if c.status != "D"}
        tree = [e for e in tree if e.path in wanted]
    chosen = [e for e in tree if selected(e.path, include, exclude)]
    excluded = len(tree) - len(chosen)

    prov = {"repo": repo.name, "commit": head}
    repo_meta = {"licence": repo_licence, "licence_source": "repository"} if repo_licence else {}
    to_read = []
    for e in chosen:
        uri = f"{repo.name}/{e.path}"
        reason = _metadata_reason(e, ctx.limits.max_file_bytes)
        if reason:
            ctx.ledger.bytes += max(e.size, 0)
            ctx.reject(
                uri,
                reason[0],
                reason[1],
                size=max(e.size, 0),
                provenance={"path": e.path, "blob": e.oid, **prov},
            )
        else:
            to_read.append(e)
    for e, (_, data) in zip(to_read, repo.blobs([e.oid for e in to_read]), strict=True):
        entry = bytes_entry(f"{repo.name}/{e.path}", e.path, data, provenance={"blob": e.oid, **prov},
                            metadata=dict(repo_meta), created_at=when)  # fmt: skip
        if e.mode == "120000":
            ctx.ledger.bytes += e.size
            outside = _link_escapes(e.path, data)
            ctx.reject_entry(
                entry,
                "symlink_outside" if outside else "symlink",
                "symbolic link pointing outside the repository" if outside
                else "symbolic link inside the repository; its target is read under its own path",
            )  # fmt: skip
            continue
        fmt = _doc_format(e.path)
        if fmt:
            read_entry(entry, ctx, fmt)
            continue
        ctx.ledger.bytes += e.size
        try:
            text, meta, language = _code(data, e.path, ctx)
        except Rejected as err:
            ctx.reject_entry(entry, err.reason, err.detail)
            continue
        ctx.code(entry, text, language=language, metadata=meta)
    extra = {"head": head, "since": since, "mode": "incremental" if since else "full", "repo": repo.name,
             "licence": repo_licence, "licence_file": licence_file, "excluded_by_config": excluded}  # fmt: skip
    return deleted, extra
