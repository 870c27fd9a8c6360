"""Bytes to text: byte-order marks, declared charsets, UTF-8, then detection of legacy encodings.

Exports from old wikis and mail archives arrive in cp1251, KOI8-R, Shift-JIS or
UTF-16. Decoding them as UTF-8 with replacement characters would silently ruin
them, so a text that is not valid UTF-8 is either recognised as a legacy
encoding or rejected as ``invalid_encoding`` -- and UTF-8 with corrupted bytes
inside is rejected rather than "detected" as some single-byte code page.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from forge_data.ingest.errors import Rejected

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Well-formed UTF-8 multi-byte sequences (no overlongs, no surrogates).
_UTF8_MULTI = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_HIGH = re.compile(rb"[\x80-\xff]")
_DETECT_SAMPLE = 256 * 1024
# Classic Mac OS code pages share most letters with the Windows ones and win ties on short
# texts; they are almost never what an enterprise export actually holds.
_EXCLUDED = ["mac_cyrillic", "mac_greek", "mac_iceland", "mac_latin2", "mac_roman", "mac_turkish"]


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark announces, and the mark's length."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def looks_like_broken_utf8(data: bytes) -> bool:
    """Mostly well-formed UTF-8 with a few bad bytes, as opposed to a legacy 8-bit text."""
    high = len(_HIGH.findall(data))
    valid_high = sum(len(m) for m in _UTF8_MULTI.findall(data))
    return valid_high > 0 and valid_high >= (high - valid_high)


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode ``data``; raise :class:`Rejected` (``invalid_encoding``) when no encoding fits."""
    bom = bom_encoding(data)
    if bom:
        name, length = bom
        try:
            return Decoded(_normalise(data[length:].decode(name)), name)
        except UnicodeDecodeError:
            raise Rejected(
                "invalid_encoding", f"starts with a {name} byte-order mark but does not decode"
            ) from None
    codec = _codec(declared)
    if codec and codec not in ("utf-8", "ascii"):
        try:
            return Decoded(_normalise(data.decode(codec)), codec)
        except UnicodeDecodeError:
            pass  # declarations lie; fall through to what the bytes say
    try:
        return Decoded(_normalise(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError as err:
        first_bad = err.start
    if looks_like_broken_utf8(data):
        raise Rejected(
            "invalid_encoding", f"UTF-8 text with invalid byte sequences (first at byte {first_bad})"
        )
    return _detect(data)


def _detect(data: bytes) -> Decoded:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:_DETECT_SAMPLE], cp_exclusion=_EXCLUDED).best()
    if best is None or best.encoding in ("utf_8", "ascii"):
        raise Rejected("invalid_encoding", "not UTF-8 and no legacy encoding fits the bytes")
    try:
        text = data.decode(best.encoding)
    except UnicodeDecodeError as err:
        raise Rejected(
            "invalid_encoding", f"looks like {best.encoding} but byte {err.start} does not decode"
        ) from None
    return Decoded(_normalise(text), codecs.lookup(best.encoding).name)
