"""Presidio's AnalyzerEngine, set up from forge.yaml's ``curation.pii`` section.

The registry holds only the recognizers of the configured entities (Presidio's default
registry loads dozens of country-specific ones and runs them all), Forge's replacements
where the stock ones fall short (see :mod:`forge_data.pii.personal_recognizers`), the
secret recognizers and the company's own. Entities Forge has no special recognizer for
are taken from Presidio's predefined set by name, so any Presidio entity can be listed.
"""

from __future__ import annotations

import logging

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
from presidio_analyzer.predefined_recognizers import (
    IbanRecognizer,
    IpRecognizer,
    SpacyRecognizer,
    UsSsnRecognizer,
)

from forge_data.config import ConfigError, PiiConfig
from forge_data.pii.company import company_entities, company_recognizers
from forge_data.pii.nlp import ForgeContextEnhancer, ForgeSpacyNlpEngine
from forge_data.pii.personal_recognizers import (
    CardRecognizer,
    FormattedPhoneRecognizer,
    OfflineEmailRecognizer,
    personal_rules_recognizer,
)
from forge_data.pii.secret_recognizers import SECRET_ENTITIES, secrets_recognizer

# Entities spaCy's NER finds; in code they count only inside strings and comments.
NER_ENTITIES = frozenset({"PERSON", "LOCATION", "NRP", "ORGANIZATION", "DATE_TIME"})
FORGE_RULE_ENTITIES = frozenset({"PERSON", "STREET_ADDRESS", "URL_CREDENTIALS", "US_SSN"})


def _below_warning(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING


def quiet_presidio() -> None:
    """Presidio logs matched words and their context at DEBUG ("Context list is: ..."): drop its
    records below WARNING, with a filter on its loggers so a later ``setLevel(DEBUG)`` cannot undo it."""
    for name in ("presidio-analyzer", "presidio-anonymizer"):
        logger = logging.getLogger(name)
        if logger.level < logging.WARNING:
            logger.setLevel(logging.WARNING)
        if _below_warning not in logger.filters:
            logger.addFilter(_below_warning)


def _stock_recognizer(entity: str, cfg: PiiConfig) -> EntityRecognizer | None:
    lang = cfg.language
    makers = {
        "EMAIL_ADDRESS": lambda: OfflineEmailRecognizer(
            internal_domains=cfg.internal_domains, supported_language=lang
        ),
        "PHONE_NUMBER": lambda: FormattedPhoneRecognizer(
            supported_regions=tuple(cfg.phone_regions), supported_language=lang
        ),
        "CREDIT_CARD": lambda: CardRecognizer(supported_language=lang),
        "IBAN_CODE": lambda: IbanRecognizer(supported_language=lang),
        "IP_ADDRESS": lambda: IpRecognizer(supported_language=lang),
        "US_SSN": lambda: UsSsnRecognizer(supported_language=lang),
    }
    return makers[entity]() if entity in makers else None


def _predefined(entities: list[str], language: str) -> list[EntityRecognizer]:
    """Presidio's own recognizers for ``entities`` (those Forge has no recognizer of its own for)."""
    registry = RecognizerRegistry(supported_languages=[language])
    registry.load_predefined_recognizers(languages=[language])
    found = [
        r
        for r in registry.recognizers
        if not isinstance(r, SpacyRecognizer) and set(r.supported_entities) & set(entities)
    ]
    missing = sorted(set(entities) - {e for r in found for e in r.supported_entities})
    if missing:
        raise ConfigError(
            f"curation.pii.entities: no recognizer for {missing}; use a Presidio entity name, "
            "a Forge one (STREET_ADDRESS, URL_CREDENTIALS) or add a pattern under curation.pii.recognizers"
        )
    return found


def build_analyzer(cfg: PiiConfig) -> tuple[AnalyzerEngine, ForgeSpacyNlpEngine, list[str]]:
    """The engine, its NLP engine, and every entity it reports (personal, company, secrets)."""
    quiet_presidio()
    company = set(company_entities(cfg))
    personal = [e for e in cfg.entities if e not in company]
    ner = [e for e in personal if e in NER_ENTITIES]
    nlp_engine = ForgeSpacyNlpEngine(cfg.model, cfg.language, ner)

    recognizers: list[EntityRecognizer] = []
    if ner:
        recognizers.append(SpacyRecognizer(supported_language=cfg.language, supported_entities=ner))
    if FORGE_RULE_ENTITIES & set(personal):
        recognizers.append(personal_rules_recognizer(cfg.language))
    others = []
    for entity in personal:
        stock = _stock_recognizer(entity, cfg)
        if stock is not None:
            recognizers.append(stock)
        elif entity not in NER_ENTITIES and entity not in FORGE_RULE_ENTITIES:
            others.append(entity)
    if others:
        recognizers.extend(_predefined(others, cfg.language))
    recognizers.extend(company_recognizers(cfg))
    entities = list(dict.fromkeys([*personal, *sorted(company)]))
    if cfg.secrets:
        recognizers.append(secrets_recognizer(cfg.language))
        entities.extend(e for e in SECRET_ENTITIES if e not in entities)

    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=[cfg.language])
    analyzer = AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=[cfg.language],
        context_aware_enhancer=ForgeContextEnhancer(),
    )
    return analyzer, nlp_engine, entities
