"""Hand each entry to its format's reader, turning every failure into a quarantine row.

One reader raising must never end the run (house rule 2): :class:`Rejected`
carries its own reason, anything else becomes ``parse_error`` named by the
exception type only, since exception messages may quote the input.
"""

from __future__ import annotations

import logging
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

from forge_data.ingest.context import Context
from forge_data.ingest.entry import Entry
from forge_data.ingest.errors import IngestError, Rejected

log = logging.getLogger(__name__)


def admit(entry: Entry, ctx: Context, fmt: str | None, *, streaming: bool = False) -> bool:
    """Count the entry's bytes and reject what no reader should open: empty or oversized files."""
    ctx.ledger.bytes += entry.size
    if entry.size == 0:
        ctx.reject_entry(entry, "empty", "empty file", fmt)
        return False
    if not streaming and entry.size > ctx.limits.max_file_bytes:
        ctx.reject_entry(
            entry, "too_large", f"{entry.size} bytes exceed the limit of {ctx.limits.max_file_bytes}", fmt
        )
        return False
    return True


def run_reader(entry: Entry, ctx: Context, fmt: str, reader: Callable[..., None], **kw: Any) -> None:
    try:
        reader(entry, ctx, **kw)
    except Rejected as err:
        ctx.reject_entry(entry, err.reason, err.detail, fmt)
    except IngestError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError) as err:
        # Raised while reading an archive member: a CRC or size that does not match what
        # the archive declared (a lying bomb ends here), or a damaged stream.
        ctx.reject_entry(entry, "corrupt", f"archive member is damaged ({type(err).__name__})", fmt)
    except OSError as err:
        ctx.reject_entry(entry, "unreadable", f"the file cannot be read ({type(err).__name__})", fmt)
    except (MemoryError, RecursionError) as err:
        ctx.reject_entry(
            entry, "parse_error", f"{fmt} reader ran out of resources ({type(err).__name__})", fmt
        )
    except Exception as err:  # noqa: BLE001 - one bad file must not end the run
        log.warning("%s: %s reader failed on %s (%s)", ctx.source, fmt, entry.uri, type(err).__name__)
        ctx.reject_entry(entry, "parse_error", f"{fmt} reader failed ({type(err).__name__})", fmt)
