"""Legacy encodings are recognised, not guessed as UTF-8; corrupted UTF-8 is quarantined."""

from __future__ import annotations

import codecs

import pytest

from forge_data.ingest.encoding import decode
from forge_data.ingest.errors import Rejected

from .conftest import meta, reasons, rows

RUSSIAN = (
    "Инструкция по развёртыванию сервиса. Перед обновлением проверьте журнал ошибок, "
    "затем остановите очередь заданий и дождитесь завершения текущих задач."
)
JAPANESE = "デプロイ手順書です。更新の前にエラーログを確認し、ジョブキューを停止してください。"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (RUSSIAN.encode("cp1251"), {"cp1251"}),
        (RUSSIAN.encode("koi8_r"), {"koi8-r"}),
        (JAPANESE.encode("shift_jis"), {"shift_jis", "cp932"}),
        (codecs.BOM_UTF16_LE + RUSSIAN.encode("utf-16-le"), {"utf-16-le"}),
        (codecs.BOM_UTF16_BE + JAPANESE.encode("utf-16-be"), {"utf-16-be"}),
        (codecs.BOM_UTF8 + RUSSIAN.encode("utf-8"), {"utf-8"}),
        (RUSSIAN.encode("utf-8"), {"utf-8"}),
    ],
)
def test_encodings_are_detected_and_decoded(data, expected):
    decoded = decode(data)
    assert decoded.encoding in expected
    assert decoded.text in (RUSSIAN, JAPANESE)


def test_declared_charset_wins_when_it_decodes():
    assert decode(RUSSIAN.encode("koi8_r"), declared="KOI8-R").encoding == "koi8-r"


def test_wrong_declaration_falls_back_to_the_bytes():
    decoded = decode(RUSSIAN.encode("utf-8"), declared="ascii")
    assert decoded.encoding == "utf-8" and decoded.text == RUSSIAN


def test_utf8_with_corrupted_bytes_is_rejected_not_redetected():
    data = "Überprüfung der Größe: ".encode() * 5 + b"\xff\xfe\xc3(" + b"Ende"
    with pytest.raises(Rejected) as err:
        decode(data)
    assert err.value.reason == "invalid_encoding"
    assert "byte" in err.value.detail and "Größe" not in err.value.detail


def test_crlf_is_normalised():
    assert decode(b"a\r\nb\rc").text == "a\nb\nc"


def test_wiki_files_in_legacy_encodings_become_records_with_their_encoding(tmp_path, ingest):
    wiki = tmp_path / "wiki"
    wiki.mkdir()
    (wiki / "runbook-cp1251.md").write_bytes(f"# Регламент\n\n{RUSSIAN}\n".encode("cp1251"))
    (wiki / "runbook-koi8.txt").write_bytes(RUSSIAN.encode("koi8_r"))
    (wiki / "deploy-sjis.md").write_bytes(f"# 手順\n\n{JAPANESE}\n".encode("shift_jis"))
    (wiki / "notes-utf16.txt").write_bytes(codecs.BOM_UTF16_LE + RUSSIAN.encode("utf-16-le"))
    (wiki / "broken.md").write_bytes("# Größe\n\n".encode() * 3 + b"\xff\xfe broken \xc3(")
    result = ingest("wiki", wiki)
    recs = rows(result)
    assert meta(recs["runbook-cp1251.md"])["encoding"] == "cp1251"
    assert recs["runbook-cp1251.md"]["title"] == "Регламент"
    assert recs["runbook-cp1251.md"]["language"] == "ru"
    assert meta(recs["runbook-koi8.txt"])["encoding"] == "koi8-r"
    assert RUSSIAN in recs["runbook-koi8.txt"]["text"]
    assert meta(recs["deploy-sjis.md"])["encoding"] in ("shift_jis", "cp932")
    assert recs["deploy-sjis.md"]["language"] == "ja"
    assert meta(recs["notes-utf16.txt"])["encoding"] == "utf-16-le"
    assert reasons(result) == {"broken.md": "invalid_encoding"}
    assert result.stats["inputs"] == 5
