"""Presidio's spaCy engine, configured explicitly, running only what detection needs.

- The model is loaded from an installed package or folder by name; a missing model is an
  error, never a download (Presidio's default engine would fetch en_core_web_lg).
- Only the NER component runs (and a tok2vec it listens to, if any): Presidio uses the
  tagger, parser and lemmatizer only for context words, and lower-cased tokens serve that.
  In en_core_web_sm the NER has its own tok2vec, so its entities are exactly those of the
  full pipeline at a fraction of the cost.
- NER runs in batches (``nlp.pipe``) over the parts of each text where names matter; the
  tokens Presidio's context enhancer reads are made lazily, only for texts that have a
  pattern match to score.
- Stop-word and punctuation checks read fixed sets instead of ``vocab[word]``, which would
  add every unseen token (hashes, ids) to the vocabulary and grow it without bound.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import spacy
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.nlp_engine.ner_model_configuration import MODEL_TO_PRESIDIO_ENTITY_MAPPING

from forge_data.pii.pseudonyms import PLACEHOLDER_TAG, TAG_HEX


class ModelNotInstalled(RuntimeError):
    pass


@dataclass(frozen=True)
class NerEntity:
    """The three attributes Presidio's SpacyRecognizer reads from an entity."""

    label_: str
    start_char: int
    end_char: int


class LazyArtifacts(NlpArtifacts):
    """NlpArtifacts whose tokens, lemmas and keywords are computed once, on first use.

    Tokens are plain strings: Presidio's context enhancer only takes their lengths, and
    iterating a list is much cheaper than iterating a spaCy Doc for every match.
    """

    def __init__(self, text: str, entities: list[NerEntity], engine: ForgeSpacyNlpEngine, language: str):
        # NlpArtifacts.__init__ would tokenise and scan every token now; defer it.
        self.entities = entities
        self.scores = [engine.ner_model_configuration.default_score] * len(entities)
        self.nlp_engine = engine
        self._text = text
        self._language = language
        self._tokens: list[str] | None = None
        self._indices: list[int] = []
        self._lemmas: list[str] = []
        self._keywords: frozenset[str] | None = None

    def _tokenize(self) -> None:
        if self._tokens is None:
            tokens, indices, lemmas = [], [], []
            for t in self.nlp_engine.tokenize(self._text, self._language):  # one pass: tokens are costly
                tokens.append(t.text)
                indices.append(t.idx)
                lemmas.append(t.lower_)
            self._tokens, self._indices, self._lemmas = tokens, indices, lemmas

    @property
    def tokens(self) -> list[str]:
        self._tokenize()
        return self._tokens

    @property
    def tokens_indices(self) -> list[int]:
        self._tokenize()
        return self._indices

    @property
    def lemmas(self) -> list[str]:
        self._tokenize()
        return self._lemmas

    @property
    def keywords(self) -> frozenset[str]:
        # Presidio only asks "is this lemma a keyword?", once per word around every match;
        # a set answers that in constant time where its list scans the whole text.
        if self._keywords is None:
            self._keywords = frozenset(
                NlpArtifacts.set_keywords(self.nlp_engine, self.lemmas, self._language)
            )
        return self._keywords


class ForgeContextEnhancer(LemmaContextAwareEnhancer):
    """Presidio's lemma context enhancer, skipping results already at the maximum score.

    A Luhn-valid card or a validated e-mail scores 1.0; looking for "card" or "email"
    around it cannot change anything. Finding a match's token is a bisection here, so a long
    document with many matches costs n log n, not n squared.
    """

    @staticmethod
    def _find_index_of_match_token(word, start, tokens, tokens_indices) -> int:
        """The first token ending after ``start``, by bisection (Presidio scans every token)."""
        i = max(0, bisect.bisect_right(tokens_indices, start) - 1)
        while i < len(tokens) and start >= tokens_indices[i] + len(tokens[i]) and tokens_indices[i] != start:
            i += 1
        if i >= len(tokens):
            raise ValueError("a match lies outside the tokens of its text")  # never the word itself
        return i

    def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
        done = [r for r in raw_results if r.score >= self.MAX_SCORE]
        todo = [r for r in raw_results if r.score < self.MAX_SCORE]
        if not todo:
            return list(raw_results)
        return done + super().enhance_using_context(text, todo, nlp_artifacts, recognizers, context)


class ForgeSpacyNlpEngine(SpacyNlpEngine):
    def __init__(self, model: str, language: str = "en", entities: Iterable[str] = ("PERSON",)):
        wanted = set(entities)
        labels = {label for label, ent in MODEL_TO_PRESIDIO_ENTITY_MAPPING.items() if ent in wanted}
        ignore = [label for label in MODEL_TO_PRESIDIO_ENTITY_MAPPING if label not in labels]
        super().__init__(
            models=[{"lang_code": language, "model_name": model}],
            ner_model_configuration=NerModelConfiguration(labels_to_ignore=ignore),
        )
        self.model = model
        self.language = language
        self._labels = labels
        self._stop_words: frozenset[str] = frozenset()

    def load(self) -> None:
        if not (spacy.util.is_package(self.model) or Path(self.model).exists()):
            raise ModelNotInstalled(
                f"spaCy model {self.model!r} is not installed; install it with pip "
                "(Forge never downloads models at run time)"
            )
        nlp = spacy.load(self.model)
        keep = {"ner"}
        for name, pipe in nlp.pipeline:
            if name != "ner" and "ner" in getattr(pipe, "listening_components", ()):
                keep.add(name)
        nlp.select_pipes(disable=[name for name in nlp.pipe_names if name not in keep])
        self.nlp = {self.language: nlp}
        self._stop_words = frozenset(w.lower() for w in nlp.Defaults.stop_words)

    # --- what Presidio calls -------------------------------------------------------------------

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        return next(self.artifacts([text], [None], language))

    def process_batch(self, texts, language, batch_size=64, n_process=1, as_tuples=False):
        if as_tuples:
            texts, contexts = zip(*texts, strict=True) if texts else ((), ())
            yield from zip(texts, self.artifacts(list(texts), None, language), contexts, strict=True)
        else:
            texts = [str(t) for t in texts]
            yield from zip(texts, self.artifacts(texts, None, language), strict=True)

    def is_stopword(self, word: str, language: str) -> bool:
        return word.lower() in self._stop_words

    def is_punct(self, word: str, language: str) -> bool:
        return bool(word) and all(unicodedata.category(c).startswith("P") for c in word)

    # --- Forge's batched NER over selected parts of each text ----------------------------------

    def tokenize(self, text: str, language: str):
        return self.nlp[language].make_doc(text)

    def ner(self, pieces: list[str], language: str, batch_size: int = 64) -> Iterator[list[NerEntity]]:
        """Entities per piece, in order, with Presidio entity names; offsets into each piece."""
        mapping = self.ner_model_configuration.model_to_presidio_entity_mapping
        steady = (_steady_tags(p) for p in pieces)
        for doc in self.nlp[language].pipe(steady, batch_size=batch_size):
            yield [
                NerEntity(mapping[e.label_], e.start_char, e.end_char)
                for e in doc.ents
                if e.label_ in self._labels
            ]

    def artifacts(
        self,
        texts: list[str],
        segments: list[list[tuple[int, int]] | None] | None,
        language: str,
        batch_size: int = 64,
    ) -> Iterator[LazyArtifacts]:
        """Artifacts per text; NER runs only inside ``segments`` (None: the whole text)."""
        segments = segments if segments is not None else [None] * len(texts)
        plan = [ner_pieces(t, s) for t, s in zip(texts, segments, strict=True)]
        flat = [piece for pieces in plan for piece, _ in pieces]
        found = self.ner(flat, language, batch_size)
        for text, pieces in zip(texts, plan, strict=True):
            entities: list[NerEntity] = []
            for _, offsets in pieces:
                for ent in next(found):
                    entities.extend(_map_back(ent, offsets))
            yield LazyArtifacts(text, entities, self, language)


_STEADY_TAG = "0" * TAG_HEX


def _steady_tags(piece: str) -> str:
    """``piece`` with every placeholder's tag written as 00000000, offsets unchanged.

    The model reads a tag's characters, so without this what it tags next to a placeholder
    (and so what redaction's later passes and the residual scan find) would depend on the
    pseudonym key. The tag is no one's data; the text around it is left as it is.
    """
    return PLACEHOLDER_TAG.sub(_STEADY_TAG, piece) if "_" in piece else piece


# spaCy's default limit is 1,000,000 characters; long texts are cut at line breaks well below it.
MAX_PIECE = 100_000


def ner_pieces(
    text: str, segments: list[tuple[int, int]] | None
) -> list[tuple[str, list[tuple[int, int, int]]]]:
    """The strings NER will read for ``text``, each with its offset map.

    An offset map is a list of (piece_start, text_start, length) runs. Segments are joined
    with a newline so one code file is one NER document; pieces without an upper-case
    letter are skipped, since the English models do not tag lower-case names.
    """
    if segments is None:
        segments = [(0, len(text))]
    pieces: list[tuple[str, list[tuple[int, int, int]]]] = []
    parts: list[str] = []
    runs: list[tuple[int, int, int]] = []
    size = 0

    def flush() -> None:
        nonlocal parts, runs, size
        joined = "".join(parts)
        if runs and joined.lower() != joined:  # has an upper-case letter (fast, in C)
            pieces.append((joined, runs))
        parts, runs, size = [], [], 0

    for start, end in segments:
        while start < end:
            stop = end
            if end - start > MAX_PIECE:
                cut = text.rfind("\n", start, start + MAX_PIECE)
                stop = cut + 1 if cut > start else start + MAX_PIECE
            if size and size + (stop - start) > MAX_PIECE:
                flush()
            if parts:
                parts.append("\n")
                size += 1
            runs.append((size, start, stop - start))
            parts.append(text[start:stop])
            size += stop - start
            start = stop
            if size >= MAX_PIECE:
                flush()
    flush()
    return pieces


def _map_back(ent: NerEntity, runs: list[tuple[int, int, int]]) -> list[NerEntity]:
    """An entity in a joined piece as entities in the original text (split where runs join)."""
    out = []
    for piece_start, text_start, length in runs:
        s = max(ent.start_char, piece_start)
        e = min(ent.end_char, piece_start + length)
        if s < e:
            out.append(NerEntity(ent.label_, text_start + s - piece_start, text_start + e - piece_start))
    return out
