"""PII and secret redaction with Presidio: detection, consistent pseudonyms, manifests, residual scans.

Heavy libraries (Presidio, spaCy) load when a :class:`Redactor` is built, not on import.
"""
