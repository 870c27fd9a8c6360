"""Secrets: cloud keys, forge tokens, chat tokens, private keys, JWTs, passwords, high-entropy values.

Token formats with a fixed prefix are matched exactly; values without one are only taken
from an assignment to a name that says what they are (``password``, ``client_secret``,
``apiKey``, ``AWS_SECRET_ACCESS_KEY``...). Passwords are low-entropy by nature, so a
password-named value only has to be a literal; other secret-named values must look random.
References (``${DB_PASSWORD}``, ``os.environ[...]``, ``{{ vault }}``), placeholders and
Forge's own redaction markers are never secrets. Spans cover the value only, so a
replacement inside a string literal keeps its quotes.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections import Counter

import regex

from forge_data.pii.rules import Rule, RuleRecognizer, rule

SECRET_ENTITIES = (
    "AWS_ACCESS_KEY",
    "GCP_API_KEY",
    "AZURE_STORAGE_KEY",
    "GITHUB_TOKEN",
    "GITLAB_TOKEN",
    "SLACK_TOKEN",
    "SLACK_WEBHOOK",
    "STRIPE_KEY",
    "PRIVATE_KEY",
    "JWT",
    "PASSWORD",
    "SECRET",
)

_PASSWORD_WORDS = {"password", "passwd", "passwort", "pwd", "passphrase", "pass", "pw"}
_SECRET_WORDS = {
    "secret",
    "token",
    "apikey",
    "accesskey",
    "secretkey",
    "credential",
    "credentials",
    "privatekey",
}
_KEY_QUALIFIERS = {
    "api",
    "access",
    "secret",
    "private",
    "signing",
    "encryption",
    "auth",
    "master",
    "client",
    "account",
    "service",
    "app",
    "license",
    "storage",
    "shared",
    "consumer",
    "session",
}
_NOT_VALUES = {
    "none",
    "null",
    "nil",
    "true",
    "false",
    "undefined",
    "changeme",
    "password",
    "secret",
    "token",
    "redacted",
    "example",
    "dummy",
    "placeholder",
    "xxx",
    "xxxx",
    "****",
    "todo",
    "tbd",
    "required",
    "optional",
    "string",
    "str",
    "bytes",
    "env",
}
_NAME_WORDS = regex.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_PHRASE = regex.compile(r"[a-z]+(?:[-_/. ][a-z]+)*")
_REFERENCE = regex.compile(
    r"^(?:\$\{?|\{\{|%\(|<|@|os\.|process\.env|env\(|getenv|vault:|secret(?:s)?://|ENV\[|self\.|this\.|config\.|settings\.)"
)
_FORGE_PLACEHOLDER = regex.compile(r"^<?[A-Z][A-Z0-9_]*_[0-9a-f]{8}>?$|^<[A-Z][A-Z0-9_]*>$")


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _name_class(name: str) -> str | None:
    """'password' or 'secret' when the assigned name says so by its last word(s), else None."""
    words = [w.lower() for w in _NAME_WORDS.findall(name)]
    if not words:
        return None
    last = words[-1]
    if last in _PASSWORD_WORDS:
        return "password"
    if last in _SECRET_WORDS:
        return "secret"
    if last == "key" and len(words) >= 2 and words[-2] in _KEY_QUALIFIERS:
        return "secret"
    return None


def _literal(value: str, quoted: bool) -> bool:
    """A literal value rather than a reference, an expression or a placeholder."""
    v = value.strip()
    if not v or v.lower() in _NOT_VALUES or _REFERENCE.match(v) or _FORGE_PLACEHOLDER.match(v):
        return False
    if set(v) <= {"*", "x", "X", ".", "-", "_"}:
        return False
    if not quoted:
        # Unquoted in code this is an expression (call, attribute, identifier); in config files a
        # literal. Letters alone are most likely a name; real passwords mix in digits or symbols.
        if "(" in v or v.isalpha() or regex.fullmatch(r"[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+", v):
            return False
    return True


def _assignment_score(m: regex.Match) -> tuple[float, str] | None:
    kind = _name_class(m.group("name"))
    quoted = m.group("qv") is not None
    value = m.group("qv") if quoted else m.group("uv")
    if kind is None or value is None or not _literal(value, quoted):
        return None
    if kind == "password":
        return (0.85, "PASSWORD") if len(value) >= 6 and " " not in value.strip() else None
    if len(value) < 12 or _PHRASE.fullmatch(value):
        return None
    classes = sum(bool(regex.search(p, value)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"))
    if entropy(value) >= 3.0 or (classes >= 2 and len(value) >= 20):
        return 0.85, "SECRET"
    return None


def _random_looking(m: regex.Match) -> float | None:
    value = m.group("v")
    classes = sum(bool(regex.search(p, value)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"))
    return 0.85 if classes >= 2 and entropy(value) >= 3.0 else None


def _jwt_score(m: regex.Match) -> float | None:
    header = m.group(0).split(".", 1)[0]
    try:
        decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return 0.9 if isinstance(decoded, dict) and ("alg" in decoded or "typ" in decoded) else None


# name, optional closing quote/bracket, operator, then a quoted or an unquoted value.
_ASSIGNMENT = (
    r"(?P<name>(?<![\w.-])[A-Za-z_][\w.-]{0,80})[\"'\]]{0,2}[ \t]*(?:=>|:=|=|:)[ \t]*"
    r"(?:(?P<q>[\"'`])(?P<qv>(?:(?!(?P=q))[^\\\n]|\\.){1,512})(?P=q)|(?P<uv>[^\s\"'`,;&)}\]]{1,512}))"
)
_PRIVATE_KEY = (
    r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----"
    r"(?:.*?-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----"
    r"|(?:[ \t]*(?:\r?\n|\\n)[ \t]*[A-Za-z0-9+/=]{20,})*)"
)

SECRET_RULES: list[Rule] = [
    rule("aws_access_key", "AWS_ACCESS_KEY", r"\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b", 0.95),
    rule("gcp_api_key", "GCP_API_KEY", r"\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])", 0.95),
    rule(
        "azure_storage_key",
        "AZURE_STORAGE_KEY",
        r"(?i:AccountKey|SharedAccessKey)[ \t]*=[ \t]*(?P<v>[A-Za-z0-9+/]{40,}={0,2})",
        0.95,
        group="v",
    ),
    rule(
        "github_token",
        "GITHUB_TOKEN",
        r"\b(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,255})\b",
        0.95,
    ),
    rule(
        "gitlab_token",
        "GITLAB_TOKEN",
        r"\b(?:glpat|gldt|glptt|glrt|gloas|glcbt|glft|glimt|glagent|glsoat|glffct)-[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])",
        0.95,
    ),
    rule(
        "slack_token",
        "SLACK_TOKEN",
        r"\b(?:xox[abposre]-[0-9A-Za-z-]{10,}|xapp-\d-[A-Z0-9]+-\d+-[a-f0-9]+)\b",
        0.95,
    ),
    rule(
        "slack_webhook",
        "SLACK_WEBHOOK",
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/+-]{20,}",
        0.95,
    ),
    rule("stripe_key", "STRIPE_KEY", r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b", 0.95),
    rule("private_key", "PRIVATE_KEY", _PRIVATE_KEY, 0.95, flags=regex.DOTALL),
    rule(
        "jwt",
        "JWT",
        r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*",
        0.9,
        validate=_jwt_score,
    ),
    rule(
        "authorization_header",
        "SECRET",
        r"\b(?:Bearer|Basic|bearer|basic|BEARER)[ \t]+(?P<v>[A-Za-z0-9._~+/-]{16,}=*)",
        0.85,
        group="v",
        validate=_random_looking,
    ),
    rule(
        "secret_assignment",
        "PASSWORD",
        _ASSIGNMENT,
        0.85,
        group=("qv", "uv"),
        validate=_assignment_score,
        also=("SECRET",),
        overlapped=True,
    ),
]


def secrets_recognizer(language: str = "en") -> RuleRecognizer:
    return RuleRecognizer("secrets", SECRET_RULES, language=language)
