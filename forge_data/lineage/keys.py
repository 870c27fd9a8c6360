"""What a record can be found by: its id, its uri and the hashed ids of the people in it.

Authors are never stored in the clear. Ingest hashes every person identifier (a Slack user id, a
mail address, a front-matter author) with :class:`forge_data.ingest.pseudonym.Pseudonyms`, salted
per source; :func:`identifier_hashes` applies the same function to an identifier a person gives us,
for every configured source, so an e-mail address finds the hashes its records carry.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from forge_data.config import ForgeConfig

# Pseudonyms look like ``u-1a2b3c4d5e6f`` (people) or ``b-...`` (bots).
AUTHOR_HASH = re.compile(r"\b[ub]-[0-9a-f]{12}\b")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def is_author_hash(value: str) -> bool:
    return AUTHOR_HASH.fullmatch(value.strip()) is not None


def authors_of(row: Mapping[str, Any]) -> set[str]:
    """Hashed ids of everyone a record names as author or speaker (raw or published form).

    Published chat records have their speakers pseudonymised by redaction, so the hashes are also
    read from provenance and from the metadata (``turns_by_speaker``, hashed front-matter fields).
    """
    found: set[str] = set()
    prov = row.get("provenance") or {}
    if prov.get("author_hash"):
        found.add(prov["author_hash"])
    for turn in row.get("turns") or []:
        speaker = (turn or {}).get("speaker")
        if speaker and is_author_hash(speaker):
            found.add(speaker)
    metadata = row.get("metadata")
    if metadata:
        found.update(AUTHOR_HASH.findall(metadata if isinstance(metadata, str) else json.dumps(metadata)))
    return found


def uri_hash(uri: str) -> str:
    return hashlib.sha256(uri.encode("utf-8", "surrogatepass")).hexdigest()


def identifier_hash(identifier: str) -> str:
    """What logs and commit metadata may say about a person's identifier: a plain hash of it."""
    return hashlib.sha256(identifier.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()[:16]


def scrub(text: str) -> str:
    """A free-text reason with any e-mail address in it replaced by its hash."""
    return _EMAIL.sub(lambda m: f"<email:{identifier_hash(m.group(0))}>", text)


def identifier_hashes(cfg: ForgeConfig, identifier: str) -> set[str]:
    """Every hashed id ``identifier`` (an e-mail, a chat user id, or a hash) has in ``cfg``'s sources.

    Hashes are salted per source, so one identifier has one hash per source; a Slack export's
    ``users.json`` also maps an e-mail address to the user ids its messages are hashed by.
    """
    from forge_data.ingest.pseudonym import Pseudonyms

    value = identifier.strip()
    if is_author_hash(value):
        return {value}
    hashes: set[str] = set()
    for source in cfg.sources:
        pseudonyms = Pseudonyms(source.name)
        people = [value, *(_slack_user_ids(cfg.resolve(source.path), value) if source.kind == "chat" else [])]
        for person in people:
            hashes.update({pseudonyms(person, "u"), pseudonyms(person, "b")})
    return hashes


def _slack_user_ids(root: Path, email: str) -> list[str]:
    """Ids of the Slack users whose profile carries ``email`` (empty when ``root`` is no Slack export)."""
    users_file = root / "users.json" if root.is_dir() else None
    if users_file is None or not users_file.is_file() or "@" not in email:
        return []
    try:
        users = json.loads(users_file.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return []
    wanted = email.lower()
    ids = []
    for user in users if isinstance(users, list) else []:
        if not isinstance(user, dict):
            continue
        profile = user.get("profile") if isinstance(user.get("profile"), dict) else {}
        emails = {str(v).strip().lower() for v in (user.get("email"), profile.get("email")) if v}
        if wanted in emails and user.get("id"):
            ids.append(str(user["id"]))
    return ids


def row_keys(rows: Iterable[Mapping[str, Any]]) -> Iterable[tuple[str, str]]:
    """(kind, key) pairs a lineage query can ask for: ("record", id), ("uri", uri), ("author", hash)."""
    for row in rows:
        yield "record", row["id"]
        if row.get("uri"):
            yield "uri", row["uri"]
        for author in authors_of(row):
            yield "author", author
