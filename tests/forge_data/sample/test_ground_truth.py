"""The manifest's ground truth matches the files: planted values, canaries, duplicates, facts."""

from __future__ import annotations

import base64
import itertools
import json
import re
from collections import defaultdict

import pytest
import tldextract

from forge_data.config import DEFAULT_ENTITIES
from forge_data.sample import text_at

SECRET_FORMATS = {
    "AWS_ACCESS_KEY_ID": r"AKIA[0-9A-Z]{16}",
    "AWS_SECRET_ACCESS_KEY": r"[A-Za-z0-9/+]{40}",
    "GITHUB_TOKEN": r"ghp_[A-Za-z0-9]{36}",
    "SLACK_TOKEN": r"xoxb-\d{10,13}-\d{10,13}-[A-Za-z0-9]{24}",
    "PRIVATE_KEY": r"-----BEGIN RSA PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+\n-----END RSA PRIVATE KEY-----",
    "PASSWORD": r"\S{8,}",
    "JWT": r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+",
}


def shingle_jaccard(a: str, b: str, k: int = 5) -> float:
    def grams(t: str) -> set:
        w = t.lower().split()
        return {tuple(w[i : i + k]) for i in range(len(w) - k + 1)}

    ga, gb = grams(a), grams(b)
    return len(ga & gb) / len(ga | gb)


def body(text: str) -> str:
    return text.split("\n---\n", 1)[1] if text.startswith("---\n") else text


def test_every_planted_value_is_where_the_manifest_says(sample):
    assert len(sample.pii) > 100 and len(sample.secrets) >= 8
    missing = [
        p for p in sample.pii + sample.secrets if p.value not in text_at(sample.root, p.file, p.locator)
    ]
    assert missing == []


def test_pii_covers_every_kind_and_every_source(sample):
    kinds = {p.type for p in sample.pii}
    # Street addresses and URL credentials are left to the PII stage's own tests.
    assert set(DEFAULT_ENTITIES) - {"STREET_ADDRESS", "URL_CREDENTIALS"} | {"EMPLOYEE_ID"} <= kinds
    assert {p.source for p in sample.pii} == {"platform-code", "wiki", "slack", "mail"}
    assert {p.source for p in sample.secrets} == {"platform-code", "wiki", "slack", "mail"}
    assert set(SECRET_FORMATS) == {s.type for s in sample.secrets}


def test_locators_narrow_to_one_message(sample):
    mail = [p for p in sample.pii if p.source == "mail" and p.type == "US_SSN"]
    assert mail
    other = next(p for p in sample.pii if p.source == "mail" and p.locator != mail[0].locator)
    assert mail[0].value not in text_at(sample.root, other.file, other.locator)
    # The SSN sits in a quoted-printable body: decoding is what makes it visible.
    raw = sample.path(mail[0].file).read_text()
    hr = text_at(sample.root, mail[0].file, mail[0].locator)
    assert "quoted-printable" in raw and "’" in hr


def _luhn(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()][::-1]
    return sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits)) % 10 == 0


def test_values_pass_their_checksums_and_formats(sample):
    offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    for p in sample.pii:
        if p.type == "CREDIT_CARD":
            assert _luhn(p.value), p.value
        elif p.type == "IBAN_CODE":
            compact = p.value.replace(" ", "")
            assert int("".join(str(int(c, 36)) for c in compact[4:] + compact[:4])) % 97 == 1, p.value
        elif p.type == "EMAIL_ADDRESS":
            assert offline(p.value.split("@")[1]).suffix, p.value
        elif p.type == "US_SSN":
            assert re.fullmatch(r"9\d\d-\d\d-\d{4}", p.value)  # never-issued area 9xx
        elif p.type == "EMPLOYEE_ID":
            assert re.fullmatch(r"EMP-\d{6}", p.value)
    for s in sample.secrets:
        assert re.fullmatch(SECRET_FORMATS[s.type], s.value), s.type
        if s.type == "JWT":
            header = json.loads(base64.urlsafe_b64decode(s.value.split(".")[0] + "=="))
            assert header["alg"] == "HS256"


@pytest.fixture(scope="module")
def presidio():
    # The pattern recognizers need no NLP model; the spaCy-backed engine is the PII stage's business.
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        IbanRecognizer,
        IpRecognizer,
        PhoneRecognizer,
        UsSsnRecognizer,
    )

    return {
        "CREDIT_CARD": CreditCardRecognizer(),
        "IBAN_CODE": IbanRecognizer(),
        "IP_ADDRESS": IpRecognizer(),
        "PHONE_NUMBER": PhoneRecognizer(),
        "US_SSN": UsSsnRecognizer(),
    }


def test_presidio_recognizers_accept_the_planted_values(sample, presidio):
    rejected = []
    for value, type_ in sorted({(p.value, p.type) for p in sample.pii if p.type in presidio}):
        text = f"Details on file: {value}. Thanks!"
        spans = {text[r.start : r.end] for r in presidio[type_].analyze(text, [type_], None)}
        if value not in spans:
            rejected.append((type_, value, spans))
    assert rejected == []


def test_canaries_hide_inside_pii_or_secrets(sample):
    assert len(sample.canaries) >= 4
    assert len({c.value for c in sample.canaries}) == len(sample.canaries)
    planted = {(p.value, p.file, p.locator) for p in sample.pii + sample.secrets}
    corpus = "\n".join(
        text_at(sample.root, rel)
        for rel in sample.files
        if not rel.startswith("training/") and not rel.endswith(".png")
    )
    for c in sample.canaries:
        assert c.value in c.carrier
        assert (c.carrier, c.file, c.locator) in planted
        assert c.prefix and c.prefix + c.value in text_at(sample.root, c.file, c.locator)
        # Outside its carrier the marker never appears, so redacting the carrier removes it.
        assert corpus.count(c.value) == corpus.count(c.carrier) >= 1
    assert {c.source for c in sample.canaries} == {"platform-code", "wiki", "slack", "mail"}


def test_near_duplicates_have_the_recorded_similarity(sample):
    rates = sorted(p.edit_rate for p in sample.near_duplicates)
    assert rates == [0.03, 0.05, 0.15]
    for pair in sample.near_duplicates:
        a, b = (body(sample.path(loc.file).read_text()) for loc in (pair.a, pair.b))
        measured = shingle_jaccard(a, b)
        assert measured == pytest.approx(pair.jaccard, abs=1e-3)
        # Two runs of edits break about edit_rate + 8/len shingles: well above what scattered edits leave.
        assert 1 - 4 * pair.edit_rate - 0.05 <= measured <= 1 - pair.edit_rate


def test_exact_duplicates_are_exact(sample):
    units = defaultdict(list)
    for pair in sample.exact_duplicates:
        units[pair.unit].append(pair)
        if pair.unit == "message":
            assert text_at(sample.root, pair.a.file, pair.a.locator) == text_at(
                sample.root, pair.b.file, pair.b.locator
            )
            assert pair.a.file.split("/")[1] != pair.b.file.split("/")[1]  # cross-posted to another channel
        elif pair.unit == "page":
            assert sample.path(pair.a.file).read_bytes() == sample.path(pair.b.file).read_bytes()
    assert set(units) == {"page", "message", "function"}


def test_no_unrecorded_near_duplicate_wiki_pages(sample):
    pages = {
        p.relative_to(sample.path(".")).as_posix(): body(p.read_text())
        for p in sample.path("wiki").rglob("*.md")
    }
    recorded = {frozenset((p.a.file, p.b.file)) for p in sample.exact_duplicates + sample.near_duplicates}
    similar = [
        (a, b)
        for a, b in itertools.combinations(sorted(pages), 2)
        if frozenset((a, b)) not in recorded and shingle_jaccard(pages[a], pages[b]) > 0.5
    ]
    assert similar == []


def test_no_unrecorded_near_duplicate_slack_threads(sample):
    threads, where = defaultdict(list), {}
    for path in sorted(sample.path("slack").glob("*/*.json")):
        for m in json.loads(path.read_text()):
            if m.get("subtype") != "channel_join":  # "<@U..> has joined" repeats by design
                key = m.get("thread_ts", m["ts"])
                threads[key].append(m["text"])
                where.setdefault(key, (path.relative_to(sample.path(".")).as_posix(), f"ts={key}"))
    recorded = {frozenset((p.a.locator, p.b.locator)) for p in sample.exact_duplicates if p.unit == "message"}
    texts = {k: " ".join(v) for k, v in threads.items() if len(" ".join(v).split()) >= 5}
    similar = [
        (where[a], where[b])
        for a, b in itertools.combinations(sorted(texts), 2)
        if frozenset((f"ts={a}", f"ts={b}")) not in recorded and shingle_jaccard(texts[a], texts[b]) > 0.8
    ]
    assert similar == []
    assert recorded


def test_acceptance_facts_recur_in_the_corpus(sample):
    rows = [json.loads(line) for line in sample.path(sample.paths["acceptance"]).read_text().splitlines()]
    assert len(rows) >= 15
    corpus = [
        text_at(sample.root, rel)
        for rel in sample.files
        if not rel.startswith("training/") and not rel.endswith(".png")
    ]
    for row in rows:
        assert set(row) == {"prompt", "required", "forbidden"}
        followers = [
            t.split(row["prompt"], 1)[1][:200] for t in corpus for _ in range(t.count(row["prompt"]))
        ]
        assert len(followers) >= 5, row["prompt"]
        continuation = "\n".join(
            t[t.index(row["prompt"]) + len(row["prompt"]) :][:200] for t in corpus if row["prompt"] in t
        )
        assert all(req.lower() in continuation.lower() for req in row["required"]), row
        assert not any(f in continuation for f in row["forbidden"] if f not in ("AKIA", "ghp_", "xoxb-")), row


def test_feedback_and_grpo_files(sample):
    feedback = [json.loads(line) for line in sample.path(sample.paths["feedback"]).read_text().splitlines()]
    grpo = [json.loads(line) for line in sample.path(sample.paths["grpo_prompts"]).read_text().splitlines()]
    assert len(feedback) >= 20 and len(grpo) >= 15
    terms = [t.lower() for t in sample.glossary]
    leak = re.compile(r"AKIA[0-9A-Z]{16}|ghp_[A-Za-z0-9]{36}|xoxb-")
    for row in feedback:
        assert set(row) == {"prompt", "chosen", "rejected"} and row["chosen"] != row["rejected"]
        assert any(t in row["chosen"].lower() for t in terms)
        assert not leak.search(row["chosen"])
    assert sum(bool(leak.search(r["rejected"])) for r in feedback) >= 3
    assert all(set(r) == {"prompt", "reference"} and r["prompt"] and r["reference"] for r in grpo)
