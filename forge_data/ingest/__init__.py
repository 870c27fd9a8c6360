"""Ingestion: git repositories, wiki and document exports, chat and mail exports into records.

``ingest_source(source, base_dir=..., since=None)`` reads one configured source into
:data:`~forge_data.schema.RECORD_SCHEMA` rows with provenance, and every input it could
not read into :data:`~forge_data.schema.QUARANTINE_SCHEMA` rows with a reason, so that
``stats["inputs"] == stats["records"] + stats["quarantined"]`` for every source.

Formats (``source.format`` is ``auto`` or one of these):

- git: the tracked files of ``source.ref`` (default HEAD); code is kind ``code``, prose
  (Markdown, RST, text, PDF, docx, pptx, README-like files) kind ``doc``. With ``since``,
  only files changed after that commit are read and removed ones come back in ``deleted``.
- wiki: ``markdown``, ``rst``, ``html``, ``confluence``, ``notion``, ``mediawiki``,
  ``wikitext``, ``docx``, ``pptx``, ``pdf``, ``text``, ``csv``; zips are unpacked.
- chat: ``slack``, ``discord``, ``mattermost``, ``mbox``, ``eml``, ``irc``; one record per
  thread or per channel-day, with ``turns`` whose speakers are hashed ids.

Quarantine reasons: binary, vendored, lockfile, generated, minified, lfs_pointer, submodule,
too_large, empty, invalid_encoding, corrupt, encrypted, zip_bomb, path_traversal, symlink,
symlink_outside, unreadable, unsupported_format, parse_error, navigation, redirect,
skipped_namespace, duplicate_uri.

``stats`` keys: source, source_kind, inputs, records, quarantined, bytes, by_format,
by_language, by_kind, by_reason, head, deleted, excluded_by_config, seconds; git adds
since, mode, repo, licence, licence_file; chat adds chat_messages and skipped_subtypes.
All are counts, ids or hashes: nothing in them quotes an input.
"""

from forge_data.ingest.errors import IngestError, Rejected
from forge_data.ingest.ledger import IngestResult
from forge_data.ingest.limits import Limits
from forge_data.ingest.source import ingest_source

__all__ = ["IngestError", "IngestResult", "Limits", "Rejected", "ingest_source"]
