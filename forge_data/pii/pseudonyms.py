"""Consistent pseudonyms: the same value gets the same placeholder everywhere, keyed by a secret.

A placeholder is ``<TYPE_xxxxxxxx>``: the entity type and the first 8 hex digits of
HMAC-SHA256(key, type + normalised value). Without the key nobody can test a guess
("is <PERSON_3f9a1c2b> Priya Raman?"); with it the mapping is stable across runs, so a
thread, a wiki and a re-run of the pipeline agree. Values are normalised first, so
``(415) 867-5309`` and ``415-867-5309`` are one phone number and ``Priya`` / ``PRIYA``
one name. In a batch, a first name alone takes the placeholder of the one full name it
begins (:func:`first_name_aliases`), so "Priya" and "Priya Raman" read as one person.
Inside code, outside strings and comments, the brackets would break the syntax, so the bare
form ``TYPE_xxxxxxxx`` is written there.

The key comes from the environment (``PiiConfig.secret_env``) or, failing that, from
``<state_dir>/secrets/pseudonym.key``, created once with mode 0600. The file holds the key
as text, so copying it into the environment variable gives the same placeholders.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

import regex

from forge_data.config import PiiConfig
from forge_data.pii import fakes

log = logging.getLogger(__name__)

MIN_KEY_CHARS = 16
TAG_HEX = 8

# Placeholders this module writes (pseudonym: with a tag; mask: the bare type in brackets).
PLACEHOLDER = regex.compile(
    r"<[A-Z][A-Z0-9_]*_[0-9a-f]{8}>|\b[A-Z][A-Z0-9_]*_[0-9a-f]{8}\b|<[A-Z][A-Z0-9_]{2,}>"
)
# The keyed tag in either pseudonym form.
PLACEHOLDER_TAG = regex.compile(r"(?<=\b[A-Z][A-Z0-9_]*_)[0-9a-f]{8}\b")


class PseudonymKeyError(RuntimeError):
    """No usable pseudonym key; the message says where one is expected (never its value)."""


def load_pseudonym_key(cfg: PiiConfig, state_dir: Path | None) -> bytes:
    """The HMAC key: ``$<cfg.secret_env>`` first, else ``<state_dir>/secrets/pseudonym.key`` (created if absent)."""
    value = os.environ.get(cfg.secret_env)
    if value:
        if len(value.strip()) < MIN_KEY_CHARS:
            raise PseudonymKeyError(
                f"{cfg.secret_env} is set but shorter than {MIN_KEY_CHARS} characters; use a long random value"
            )
        return value.strip().encode("utf-8")
    if state_dir is None:
        raise PseudonymKeyError(
            f"no pseudonym key: set {cfg.secret_env} to a long random value, or give a state folder to keep one in"
        )
    path = Path(state_dir) / "secrets" / "pseudonym.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first; use theirs
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32) + "\n")
            log.warning(
                "created a new pseudonym key at %s (mode 0600); keep it: placeholders depend on it, "
                "and %s overrides it",
                path,
                cfg.secret_env,
            )
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < MIN_KEY_CHARS:
        raise PseudonymKeyError(f"{path} holds no usable key (shorter than {MIN_KEY_CHARS} characters)")
    log.info("using the pseudonym key kept in %s", path)
    if path.stat().st_mode & 0o077:
        log.warning("pseudonym key file %s is readable by group or others; chmod 600 it", path)
    return key.encode("utf-8")


def normalise(entity: str, value: str) -> str:
    """The form two spellings of one value share."""
    v = " ".join(value.split())
    if entity in ("PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "IBAN_CODE"):
        digits = "".join(c for c in v if c.isalnum()).upper()
        if entity == "PHONE_NUMBER" and len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]  # +1 415 ... and 415 ... are one US number
        return digits
    if entity == "IP_ADDRESS":
        try:
            return ipaddress.ip_address(v).compressed
        except ValueError:
            return v.lower()
    if entity in ("EMAIL_ADDRESS", "PERSON", "INTERNAL_HOSTNAME", "STREET_ADDRESS"):
        return v.casefold()
    return value  # secrets and company ids: exactly as written


class Pseudonymizer:
    def __init__(self, key: bytes, policy: str = "pseudonym"):
        if not key:
            raise PseudonymKeyError("the pseudonym key is empty")
        if policy not in ("pseudonym", "mask", "fake"):
            raise ValueError(f"unknown redaction policy {policy!r}")
        self._key = bytes(key)
        self.policy = policy

    def __repr__(self) -> str:  # never the key
        return f"Pseudonymizer(policy={self.policy!r})"

    def digest(self, entity: str, value: str) -> bytes:
        message = f"{entity}\x00{normalise(entity, value)}".encode("utf-8", "surrogatepass")
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def tag(self, entity: str, value: str) -> str:
        return self.digest(entity, value).hex()[:TAG_HEX]

    def replacement(self, entity: str, value: str, *, bare: bool = False, same_as: str | None = None) -> str:
        """What ``value`` becomes; ``bare`` where angle brackets would break code syntax.

        ``same_as``: the value whose placeholder this one shares (a first name standing for a
        full name); under the "fake" policy ``value`` still decides the fake's form.
        """
        if self.policy == "mask":
            return entity if bare else f"<{entity}>"
        keyed = value if same_as is None else same_as
        if self.policy == "fake" and not bare:
            fake = fakes.fake_value(entity, value, self.digest(entity, keyed))
            if fake is not None:
                return fake
        tag = self.tag(entity, keyed)
        return f"{entity}_{tag}" if bare else f"<{entity}_{tag}>"


def first_name_aliases(names: Iterable[str]) -> dict[str, str]:
    """Each first name that begins exactly one of the full ``names``, mapped to that full name.

    So "thanks Priya" in a thread about Priya Raman gets Priya Raman's placeholder. A first
    name two full names share (Priya Raman, Priya Shah) keeps its own. Keys and values are
    normalised as placeholders normalise names.
    """
    full: dict[str, set[str]] = {}
    for name in names:
        words = normalise("PERSON", name).split()
        if len(words) > 1:
            full.setdefault(words[0], set()).add(" ".join(words))
    return {first: next(iter(fulls)) for first, fulls in full.items() if len(fulls) == 1}
