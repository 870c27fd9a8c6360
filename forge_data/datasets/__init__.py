"""Training datasets built from curated records: the CPT corpus, SFT conversations, decontamination."""

from forge_data.datasets.common import (
    estimate_tokens,
    is_heldout,
    read_dataset,
    row_text,
    write_dataset,
)
from forge_data.datasets.cpt import CptCorpus, build_cpt_corpus
from forge_data.datasets.decontaminate import Decontaminated, decontaminate
from forge_data.datasets.sft import SftDataset, build_sft_conversations, doc_qa_pairs, thread_messages

__all__ = [
    "CptCorpus",
    "Decontaminated",
    "SftDataset",
    "build_cpt_corpus",
    "build_sft_conversations",
    "decontaminate",
    "doc_qa_pairs",
    "estimate_tokens",
    "is_heldout",
    "read_dataset",
    "row_text",
    "thread_messages",
    "write_dataset",
]
