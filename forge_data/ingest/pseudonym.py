"""Stable hashed ids for people, so authorship survives without names or addresses.

The id is an HMAC of the person's identifier (Slack user id, mail address, nick)
keyed by the pseudonym key (the PII stage's ``FORGE_PSEUDONYM_KEY`` when set) and
salted with the source name: the same person gets the same id on every re-ingest
of a source, and an address cannot be confirmed by hashing guesses without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os

KEY_ENV = "FORGE_PSEUDONYM_KEY"


class Pseudonyms:
    def __init__(self, source: str, key: str | None = None):
        key = os.environ.get(KEY_ENV, "") if key is None else key
        self._key = key.encode("utf-8")
        self._source = source
        self._cache: dict[tuple[str, str], str] = {}  # exports repeat the same few hundred people

    def __call__(self, identifier: str, prefix: str = "u") -> str:
        """``u-1a2b3c4d5e6f``: ``prefix`` tells people (u) from bots (b) apart."""
        found = self._cache.get((identifier, prefix))
        if found is None:
            found = self._cache[(identifier, prefix)] = self._hash(identifier, prefix)
        return found

    def _hash(self, identifier: str, prefix: str) -> str:
        msg = f"{self._source}\x00{identifier.strip().lower()}".encode("utf-8", "surrogatepass")
        digest = hmac.new(self._key, msg, hashlib.sha256).hexdigest()[:12]
        return f"{prefix}-{digest}"
