"""Ingestion: git repositories, wiki and document exports, chat and mail exports into records.

``ingest_source(source, base_dir=...)`` reads one configured source into the
record schema with provenance, and every input it could not read into the
quarantine schema with a reason, so that ``inputs == records + quarantined``.
"""

from forge_data.ingest.errors import IngestError, Rejected
from forge_data.ingest.ledger import IngestResult
from forge_data.ingest.limits import Limits
from forge_data.ingest.source import ingest_source

__all__ = ["IngestError", "IngestResult", "Limits", "Rejected", "ingest_source"]
