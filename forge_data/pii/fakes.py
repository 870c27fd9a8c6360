"""Realistic stand-ins for the "fake" policy, drawn from ranges reserved for examples.

A fake must read like the real thing (so text stays natural) yet be recognisably nobody's:
e-mail at example.com/.org/.net (RFC 2606), phone numbers 555-0100..0199 (reserved for
fiction), IPs from the documentation blocks (RFC 5737, RFC 3849), SSNs 987-65-4320..4329
(reserved for advertising), published test card numbers and example IBANs, and names from
a fixed list. The choice is derived from the same keyed HMAC as the placeholders, so one
value always gets one fake. Because every fake comes from these ranges, the residual scan
can tell a fake from a leak without the key (:func:`is_fake`).
"""

from __future__ import annotations

import ipaddress

FAKE_FIRST = (
    "Alex Sam Jordan Casey Robin Jamie Taylor Riley Avery Quinn Drew Blake Reese Skyler Rowan Emerson "
    "Finley Hayden Kendall Logan Parker Peyton Sawyer Charlie Dakota Elliot Frankie Harper Jesse Kai"
).split()
FAKE_LAST = (
    "Smith Johnson Brown Miller Davis Wilson Moore Clark Lewis Walker Hall Young King Wright Scott Green "
    "Adams Nelson Carter Mitchell Turner Phillips Campbell Evans Edwards Collins Stewart Morris Cook Rogers"
).split()
_NAMES = frozenset(FAKE_FIRST) | frozenset(FAKE_LAST)

TEST_CARDS = (  # published by card networks and processors for testing
    "4111 1111 1111 1111",
    "4242 4242 4242 4242",
    "5555 5555 5555 4444",
    "5105 1051 0510 5100",
    "3782 822463 10005",
    "6011 1111 1111 1117",
)
EXAMPLE_IBANS = (  # the examples printed in the IBAN standard and by national banks
    "GB82 WEST 1234 5698 7654 32",
    "DE89 3704 0044 0532 0130 00",
    "FR14 2004 1010 0505 0001 3M02 606",
    "NL91 ABNA 0417 1643 00",
    "CH93 0076 2011 6238 5295 7",
)
_DOC_NETS = tuple(
    ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)


def _compact(value: str) -> str:
    return "".join(c for c in value if c.isalnum()).upper()


_CARDS = frozenset(_compact(c) for c in TEST_CARDS)
_IBANS = frozenset(_compact(i) for i in EXAMPLE_IBANS)


def fake_value(entity: str, value: str, digest: bytes) -> str | None:
    """A fake for ``value`` chosen by ``digest``, or None where no safe fake exists for the type."""
    n = int.from_bytes(digest[:8], "big")
    first, last = FAKE_FIRST[n % len(FAKE_FIRST)], FAKE_LAST[(n >> 16) % len(FAKE_LAST)]
    if entity == "PERSON":
        return first if len(value.split()) == 1 else f"{first} {last}"
    if entity == "EMAIL_ADDRESS":
        return f"{first.lower()}.{last.lower()}@example.{('com', 'org', 'net')[n % 3]}"
    if entity == "PHONE_NUMBER":
        return f"+1-202-555-01{n % 100:02d}"
    if entity == "IP_ADDRESS":
        if ":" in value:
            return f"2001:db8::{n % 65536:x}"
        return f"{('192.0.2', '198.51.100', '203.0.113')[n % 3]}.{n % 254 + 1}"
    if entity == "US_SSN":
        return f"987-65-432{n % 10}"
    if entity == "CREDIT_CARD":
        return TEST_CARDS[n % len(TEST_CARDS)]
    if entity == "IBAN_CODE":
        return EXAMPLE_IBANS[n % len(EXAMPLE_IBANS)]
    return None


def is_fake(entity: str, text: str) -> bool:
    """Whether ``text`` is one of the stand-ins :func:`fake_value` writes for ``entity``."""
    if entity == "PERSON":
        words = text.split()
        return bool(words) and all(w.strip(".,'") in _NAMES for w in words)
    if entity == "EMAIL_ADDRESS":
        return text.lower().rsplit("@", 1)[-1] in ("example.com", "example.org", "example.net")
    if entity == "PHONE_NUMBER":
        digits = _compact(text)
        return len(digits) >= 10 and digits[-7:-2] == "55501"
    if entity == "IP_ADDRESS":
        try:
            address = ipaddress.ip_address(text.strip())
        except ValueError:
            return False
        return any(address.version == net.version and address in net for net in _DOC_NETS)
    if entity == "US_SSN":
        return _compact(text).startswith("98765432")
    if entity == "CREDIT_CARD":
        return _compact(text) in _CARDS
    if entity == "IBAN_CODE":
        return _compact(text) in _IBANS
    return False
