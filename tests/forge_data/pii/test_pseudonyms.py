"""Consistent, keyed pseudonyms: same value -> same placeholder everywhere; another key -> others."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import stat

import pytest

from forge_data.config import PiiConfig
from forge_data.pii import PseudonymKeyError, Redactor, load_pseudonym_key
from forge_data.pii.pseudonyms import PLACEHOLDER, Pseudonymizer
from forge_data.schema import make_record, records_table

from .conftest import KEY

THREAD = [
    {"speaker": "Priya Raman", "time": None, "text": "Hi Tomasz Kowalski, the deploy failed again."},
    {
        "speaker": "Tomasz Kowalski",
        "time": None,
        "text": "Thanks Priya Raman, I'll call you at (415) 867-5309.",
    },
    {"speaker": "Priya Raman", "time": None, "text": "Tomasz Kowalski: use 415-867-5309, the office line."},
]


def _chat_records():
    rendered = "\n".join(f"{t['speaker']}: {t['text']}" for t in THREAD)
    return records_table(
        [
            make_record(kind="chat", source="slack", uri="thread-1", text=rendered, turns=THREAD),
            make_record(
                kind="doc",
                source="wiki",
                uri="page-1",
                title="On-call: Priya Raman",
                text="Escalate to Priya Raman (priya.raman@acme-corp.com) or Tomasz Kowalski.",
            ),
        ]
    )


def _placeholders(text: str, entity: str) -> list[str]:
    return re.findall(rf"<{entity}_[0-9a-f]{{8}}>", text)


def test_the_same_value_gets_the_same_placeholder_across_records_turns_and_fields(redactor):
    table, stats = redactor.redact_table(_chat_records())
    chat, wiki = table.to_pylist()
    ph = redactor.pseudonyms.replacement
    priya, tomasz = ph("PERSON", "Priya Raman"), ph("PERSON", "Tomasz Kowalski")
    for text in [chat["text"], wiki["text"], wiki["title"], *(t["text"] for t in chat["turns"])]:
        assert "Priya" not in text and "Tomasz" not in text
    assert priya in wiki["text"] and priya in wiki["title"] and priya in chat["turns"][1]["text"]
    assert (
        tomasz in chat["turns"][0]["text"] and tomasz in chat["turns"][2]["text"] and tomasz in wiki["text"]
    )
    # Speakers are pseudonymised to the very placeholder their name gets in the text.
    assert [t["speaker"] for t in chat["turns"]] == [priya, tomasz, priya]
    # Two spellings of one phone number are one number.
    phones = _placeholders(chat["text"], "PHONE_NUMBER")
    assert len(phones) == 2 and phones[0] == phones[1]
    assert stats["records"] == 2 and stats["records_with_pii"] == 2


def test_a_first_name_alone_shares_the_placeholder_of_the_one_full_name_it_begins(redactor):
    texts = [
        "Priya Raman: the deploy failed again, Tomasz Kowalski.",
        "thanks Priya, looking now. Raman said the same yesterday.",
        "Priya Shah joined the on-call rota; ask Tomasz about it.",
    ]
    ph = redactor.pseudonyms.replacement
    alone = redactor.redact_texts(texts[:2])
    assert alone[1].text.startswith(f"thanks {ph('PERSON', 'Priya Raman')}, looking now.")
    assert ph("PERSON", "Priya") not in alone[1].text
    assert ph("PERSON", "Raman") in alone[1].text  # only first names stand for the full name
    both = redactor.redact_texts(texts)
    assert both[1].text.startswith(f"thanks {ph('PERSON', 'Priya')}, looking now.")  # two Priyas
    assert ph("PERSON", "Tomasz Kowalski") in both[2].text
    assert {(e.type, texts[1][e.start : e.end]) for e in alone[1].entities} == {
        ("PERSON", "Priya"),
        ("PERSON", "Raman"),
    }


def test_a_first_name_speaker_shares_the_full_name_placeholder_and_fakes_agree(redactor, company_cfg):
    turns = [
        {"speaker": "Priya", "time": None, "text": "Priya Raman here, covering for Tomasz Kowalski."},
        {"speaker": "Tomasz Kowalski", "time": None, "text": "thanks!"},
    ]
    records = records_table(
        [
            make_record(
                kind="chat", source="slack", uri="t", text="\n".join(t["text"] for t in turns), turns=turns
            )
        ]
    )
    (row,) = redactor.redact_table(records)[0].to_pylist()
    assert row["turns"][0]["speaker"] == redactor.pseudonyms.replacement("PERSON", "Priya Raman")
    faker = Redactor(company_cfg.model_copy(update={"policy": "fake"}), KEY)
    (row,) = faker.redact_table(records)[0].to_pylist()
    full = row["turns"][0]["text"].split(" here,")[0]
    assert len(full.split()) == 2 and row["turns"][0]["speaker"] == full.split()[0]


def test_placeholders_are_keyed(redactor, company_cfg):
    other = Redactor(company_cfg, b"another-key-of-sufficient-length")
    text = "Write to priya.raman@acme-corp.com about invoice 42."
    mine = redactor.redact_texts([text])[0].text
    theirs = other.redact_texts([text])[0].text
    again = redactor.redact_texts([text])[0].text
    assert mine == again
    assert _placeholders(mine, "EMAIL_ADDRESS") and mine != theirs
    assert mine.replace(_placeholders(mine, "EMAIL_ADDRESS")[0], "") == theirs.replace(
        _placeholders(theirs, "EMAIL_ADDRESS")[0], ""
    )


def test_no_value_is_recoverable_without_the_key():
    p = Pseudonymizer(KEY)
    value = "priya.raman@acme-corp.com"
    tag = p.tag("EMAIL_ADDRESS", value)
    placeholder = p.replacement("EMAIL_ADDRESS", value)
    assert value not in placeholder and "priya" not in placeholder
    # Not an unkeyed hash anyone could compute from a guess...
    for guess in (value, f"EMAIL_ADDRESS\x00{value}", f"EMAIL_ADDRESS{value}"):
        assert hashlib.sha256(guess.encode()).hexdigest()[:8] != tag
        assert hashlib.md5(guess.encode()).hexdigest()[:8] != tag
    # ...but the documented keyed HMAC, which needs the key.
    assert hmac.new(KEY, f"EMAIL_ADDRESS\x00{value}".encode(), hashlib.sha256).hexdigest()[:8] == tag
    assert Pseudonymizer(b"x" * 32).tag("EMAIL_ADDRESS", value) != tag
    assert "test-pseudonym-key" not in repr(p)


def test_normalised_values_share_a_placeholder():
    p = Pseudonymizer(KEY)
    assert p.tag("PHONE_NUMBER", "(415) 867-5309") == p.tag("PHONE_NUMBER", "+1 415.867.5309")
    assert p.tag("CREDIT_CARD", "4111 1111 1111 1111") == p.tag("CREDIT_CARD", "4111-1111-1111-1111")
    assert p.tag("PERSON", "Priya  Raman") == p.tag("PERSON", "priya raman")
    assert p.tag("IP_ADDRESS", "2001:db8:0:0:0:0:0:1") == p.tag("IP_ADDRESS", "2001:db8::1")
    assert p.tag("PERSON", "Priya Raman") != p.tag("EMAIL_ADDRESS", "Priya Raman")  # the type is keyed in
    assert p.replacement("PERSON", "Priya", bare=True) == f"PERSON_{p.tag('PERSON', 'Priya')}"
    assert PLACEHOLDER.fullmatch(p.replacement("SECRET", "x" * 20))


def test_mask_policy_hides_identity():
    p = Pseudonymizer(KEY, "mask")
    assert p.replacement("PERSON", "Priya") == p.replacement("PERSON", "Tomasz") == "<PERSON>"


# --- the key -----------------------------------------------------------------------------------


def test_key_comes_from_the_environment_first(monkeypatch, tmp_path):
    cfg = PiiConfig(secret_env="MY_FORGE_KEY")
    monkeypatch.setenv("MY_FORGE_KEY", "k" * 24)
    assert load_pseudonym_key(cfg, tmp_path) == b"k" * 24
    assert not (tmp_path / "secrets").exists()


def test_a_short_key_is_refused_without_echoing_it(monkeypatch):
    cfg = PiiConfig(secret_env="MY_FORGE_KEY")
    monkeypatch.setenv("MY_FORGE_KEY", "hunter2")
    with pytest.raises(PseudonymKeyError) as err:
        load_pseudonym_key(cfg, None)
    assert "MY_FORGE_KEY" in str(err.value) and "hunter2" not in str(err.value)


def test_no_key_and_no_state_folder_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("FORGE_PSEUDONYM_KEY", raising=False)
    with pytest.raises(PseudonymKeyError, match="FORGE_PSEUDONYM_KEY"):
        load_pseudonym_key(PiiConfig(), None)


def test_key_file_is_created_once_with_mode_0600_and_logged_without_the_key(monkeypatch, tmp_path, caplog):
    monkeypatch.delenv("FORGE_PSEUDONYM_KEY", raising=False)
    cfg = PiiConfig()
    with caplog.at_level(logging.DEBUG):
        first = load_pseudonym_key(cfg, tmp_path)
    path = tmp_path / "secrets" / "pseudonym.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(first) >= 32
    assert str(path) in caplog.text and "created" in caplog.text
    assert first.decode() not in caplog.text
    assert load_pseudonym_key(cfg, tmp_path) == first  # read back, not re-created
    monkeypatch.setenv("FORGE_PSEUDONYM_KEY", first.decode())  # the file's text works as the env value
    assert load_pseudonym_key(cfg, None) == first


# --- fake values -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def faker(company_cfg):
    return Redactor(company_cfg.model_copy(update={"policy": "fake"}), KEY)


def test_fake_policy_writes_reserved_stand_ins_consistently_and_residual_scan_ignores_them(faker):
    records = records_table(
        [
            make_record(
                kind="doc",
                source="wiki",
                uri=f"p{i}",
                text=f"Contact Aisha Bello at aisha.bello@globex.io or +1 (212) 555-{7000 + i}, IP 8.8.4.{i}.",
            )
            for i in range(3)
        ]
    )
    table, _ = faker.redact_table(records)
    texts = table.column("text").to_pylist()
    for text in texts:
        assert "Aisha" not in text and "globex" not in text and "8.8.4." not in text
        assert re.search(r"@example\.(com|org|net)", text)
        assert re.search(r"\b(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+", text)
        assert "555-01" in text
    emails = [re.search(r"[\w.]+@example\.\w+", t).group(0) for t in texts]
    assert len(set(emails)) == 1
    assert faker.scan_residual(table, threshold=0.5) == []
