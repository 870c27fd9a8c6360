"""PII and secret redaction with Presidio: detection, consistent pseudonyms, manifests, residual scans.

    from forge_data.pii import Redactor, load_pseudonym_key
    key = load_pseudonym_key(cfg.curation.pii, cfg.state_dir)
    table, stats = Redactor(cfg.curation.pii, key).redact_table(records)

Presidio and spaCy load when a :class:`Redactor` is built, not when this package is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from forge_data.pii.pseudonyms import PseudonymKeyError, load_pseudonym_key

if TYPE_CHECKING:
    from forge_data.pii.redactor import RedactedText, Redactor

__all__ = ["PseudonymKeyError", "RedactedText", "Redactor", "load_pseudonym_key"]


def __getattr__(name: str) -> Any:
    if name in ("Redactor", "RedactedText"):
        from forge_data.pii import redactor

        return getattr(redactor, name)
    raise AttributeError(name)
