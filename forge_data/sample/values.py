"""Fake but well-formed sensitive values: they pass the checksums real detectors apply.

Every value is drawn from the caller's ``random.Random`` so a seed reproduces it. None of them is
real: card numbers come from the payment networks' published test numbers, phone numbers from
the ranges reserved for fiction, SSNs from the never-issued 9xx area, IPs from the documentation
ranges, and keys carry a FAKE/EXAMPLE marker or random bytes that are no key at all.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import string

# Published test card numbers (Visa, Mastercard, Amex, Discover, Diners); all Luhn-valid.
TEST_CARDS = [
    "4111111111111111",
    "4012888888881881",
    "4242424242424242",
    "5555555555554444",
    "5105105105105100",
    "378282246310005",
    "371449635398431",
    "6011111111111117",
    "6011000990139424",
    "3056930009020004",
]

_UPPER_DIGITS = string.ascii_uppercase + string.digits
_ALNUM = string.ascii_letters + string.digits


def luhn_valid(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


def credit_card(rng: random.Random, grouped: bool = False) -> str:
    number = rng.choice(TEST_CARDS)
    if grouped and len(number) == 16:
        return " ".join(number[i : i + 4] for i in range(0, 16, 4))
    return number


def _iban_check(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    return f"{98 - int(numeric) % 97:02d}"


def iban_valid(iban: str) -> bool:
    compact = iban.replace(" ", "")
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def iban(rng: random.Random, grouped: bool = True) -> str:
    """A checksum-valid German or British IBAN, printed in groups of four like on an invoice."""
    if rng.random() < 0.5:
        country, bban = "DE", "".join(rng.choice(string.digits) for _ in range(18))
    else:
        bank = "".join(rng.choice(string.ascii_uppercase) for _ in range(4))
        country, bban = "GB", bank + "".join(rng.choice(string.digits) for _ in range(14))
    compact = country + _iban_check(country, bban) + bban
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4)) if grouped else compact


def ssn(rng: random.Random) -> str:
    # Area 9xx is never issued, yet matches the SSN pattern and passes Presidio's validation.
    return f"9{rng.randrange(10, 99)}-{rng.randrange(10, 99)}-{rng.randrange(1001, 9999)}"


def ipv4(rng: random.Random) -> str:
    net = rng.choice(["192.0.2", "198.51.100", "203.0.113"])  # RFC 5737 documentation ranges
    return f"{net}.{rng.randrange(2, 254)}"


def aws_key_pair(rng: random.Random) -> tuple[str, str]:
    key_id = "AKIA" + "".join(rng.choice(_UPPER_DIGITS) for _ in range(12)) + "FAKE"
    secret = "".join(rng.choice(_ALNUM + "/+") for _ in range(33)) + "EXAMPLE"
    return key_id, secret


def github_token(rng: random.Random, body: str = "") -> str:
    """``ghp_`` and 36 characters; ``body`` (a canary) is embedded at the start when given."""
    return "ghp_" + body + "".join(rng.choice(_ALNUM) for _ in range(36 - len(body)))


def slack_token(rng: random.Random) -> str:
    a = "".join(rng.choice(string.digits) for _ in range(12))
    b = "".join(rng.choice(string.digits) for _ in range(13))
    return f"xoxb-{a}-{b}-" + "".join(rng.choice(_ALNUM) for _ in range(24))


def private_key(rng: random.Random) -> str:
    """A PEM block of random bytes: shaped like an RSA key, usable as none."""
    body = base64.b64encode(bytes(rng.randrange(256) for _ in range(1190))).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END RSA PRIVATE KEY-----"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(rng: random.Random, subject: str, name: str, issued_at: int) -> str:
    """An HS256 JWT signed with a random key, as Gatehouse would issue it."""
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    claims = {"sub": subject, "name": name, "iss": "https://gatehouse.acme.internal", "iat": issued_at}
    payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    key = bytes(rng.randrange(256) for _ in range(32))
    sig = _b64url(hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    return f"{header}.{payload}.{sig}"


def password(rng: random.Random) -> str:
    words = ["Ochre", "Falcon", "Maple", "Harbor", "Cobalt", "Juniper", "Quartz", "Tundra", "Saffron"]
    return f"{rng.choice(words)}-{rng.choice(words)}-{rng.randrange(1000, 9999)}"


def canary_token(rng: random.Random) -> str:
    """A unique, random-looking marker such as ``zebra7731quill``: nothing else in the corpus has it."""
    words = ["zebra", "quill", "ember", "vortex", "pylon", "marlin", "cinder", "yarrow", "onyx", "kelp"]
    a, b = rng.sample(words, 2)
    return f"{a}{rng.randrange(1000, 9999)}{b}"
