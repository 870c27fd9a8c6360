"""Wiki and document formats: Markdown, reStructuredText, HTML, Confluence, Notion, PDF, docx, pptx."""

from __future__ import annotations

import socket

from .conftest import meta, reasons, rows
from .fixtures import encrypt_pdf, make_docx, make_pdf, make_pptx, make_zip


def test_markdown_front_matter_becomes_metadata_with_people_hashed(tmp_path, ingest):
    (tmp_path / "yaml.md").write_text(
        "---\ntitle: Release process\nauthor: Alice Smith\nreviewers: [Bob Jones]\ndate: 2024-03-01\n"
        "tags: [release, ops]\n---\nRelease process\n===============\n\nWe cut releases on Tuesdays.\n\n"
        "Checklist\n---------\n\n```yaml\nkey: value\n---\n```\n"
    )
    (tmp_path / "toml.md").write_text(
        '+++\ntitle = "Oncall"\n+++\n# On-call\n\nThe rota changes every Monday.\n'
    )
    (tmp_path / "broken.md").write_text(
        "---\ntitle: [unclosed\n---\n# Broken front matter\n\nBody text stays.\n"
    )
    result = ingest("wiki", tmp_path)
    recs = rows(result)
    release = recs["yaml.md"]
    fm = meta(release)["front_matter"]
    assert release["title"] == "Release process"
    assert fm["tags"] == ["release", "ops"] and fm["date"] == "2024-03-01"
    assert fm["author"].startswith("u-") and fm["reviewers"][0].startswith("u-")
    assert "Alice" not in release["metadata"] and "Bob" not in release["metadata"]
    assert release["text"].startswith("# Release process\n")  # setext heading normalised to a # line
    assert "## Checklist" in release["text"] and "key: value\n---\n```" in release["text"]  # code untouched
    assert [s["title"] for s in meta(release)["sections"]] == ["Release process", "Checklist"]
    assert recs["toml.md"]["title"] == "Oncall"
    broken = recs["broken.md"]
    assert meta(broken)["front_matter_problem"] == "front matter does not parse"
    assert "Body text stays." in broken["text"] and broken["title"] == "Broken front matter"


def test_rst_sections_kept_and_includes_never_read(tmp_path, ingest):
    (tmp_path / "guide.rst").write_text(
        "=====\nGuide\n=====\n\nSee :ref:`install <install>` and :func:`deploy`.\n\n"
        "Install\n=======\n\n.. include:: /etc/passwd\n\n.. code-block:: bash\n\n   make install\n\n"
        ".. toctree::\n\n   other\n\nUpgrade\n-------\n\n:author: Alice Smith\n\n- step one\n- step two\n"
    )
    rec = rows(ingest("wiki", tmp_path))["guide.rst"]
    assert rec["title"] == "Guide"
    assert [(s["level"], s["title"]) for s in meta(rec)["sections"]] == [
        (1, "Guide"),
        (2, "Install"),
        (3, "Upgrade"),
    ]
    assert "See install and deploy." in rec["text"]
    assert "```bash\nmake install\n```" in rec["text"] and "- step one" in rec["text"]
    assert "root:" not in rec["text"] and "toctree" not in rec["text"] and "Alice" not in rec["text"]


def test_html_boilerplate_removed_headings_kept(tmp_path, ingest):
    (tmp_path / "page.html").write_bytes(
        "<html><head><meta charset='windows-1251'><title>Справка - Портал</title><script>track()</script>"
        "</head><body><nav class='top'><a href='/'>Главная</a></nav><div class='breadcrumbs'>Главная</div>"
        "<main><h1>Справка по развёртыванию</h1><p>Перед обновлением проверьте журнал ошибок и очередь.</p>"
        "<h2>Шаги</h2><ul><li>Остановите очередь</li><li>Обновите сервис</li></ul></main>"
        "<footer>© ACME</footer><div id='cookie-consent'>Accept</div></body></html>".encode("cp1251")
    )
    rec = rows(ingest("wiki", tmp_path))["page.html"]
    assert rec["title"] == "Справка по развёртыванию"
    assert rec["text"].startswith("# Справка по развёртыванию\n")
    assert "## Шаги" in rec["text"] and "- Остановите очередь" in rec["text"]
    for chrome in ("Главная", "track()", "ACME", "Accept"):
        assert chrome not in rec["text"]
    assert meta(rec)["encoding"] == "cp1251" and rec["language"] == "ru"


CONFLUENCE_PAGE = """<!DOCTYPE html><html><head><title>Platform : Billing Service</title>
<link rel="stylesheet" href="styles/site.css" type="text/css" /></head><body><div id="page">
<div id="main" class="aui-page-panel"><div id="main-header"><div id="breadcrumb-section">
<ol id="breadcrumbs"><li class="first"><span><a href="index.html">Platform</a></span></li>
<li><span><a href="Services_100.html">Services</a></span></li></ol></div>
<h1 id="title-heading" class="pagetitle"><span id="title-text"> Platform : Billing Service </span></h1></div>
<div id="content" class="view"><div class="page-metadata">Created by <span class='author'> Alice Smith</span>,
last modified on Mar 05, 2024</div><div id="main-content" class="wiki-content group">
<h2 id="BillingService-Overview">Overview</h2><p>The billing service charges customers monthly and keeps the ledger.</p>
<div class="table-wrap"><table class="confluenceTable"><tr><th>Env</th><th>Owner team</th></tr>
<tr><td>prod</td><td>Payments</td></tr></table></div></div>
<div class="pageSection group"><h2 id="attachments">Attachments:</h2><a href="attachments/12345/777.txt">notes.txt</a></div>
</div></div><div id="footer" role="contentinfo"><section class="footer-body">
<p>Document generated by Confluence on Mar 05, 2024 10:00</p></section></div></div></body></html>"""
CONFLUENCE_INDEX = """<html><head><title>Platform</title></head><body><div id="main-content" class="pageSection">
<h2>Available Pages:</h2><ul><li><a href="Billing-Service_12345.html">Billing Service</a></li></ul></div></body></html>"""


def test_confluence_space_export(tmp_path, ingest):
    export = tmp_path / "PLATFORM"
    (export / "styles").mkdir(parents=True)
    (export / "attachments/12345").mkdir(parents=True)
    (export / "index.html").write_text(CONFLUENCE_INDEX)
    (export / "Billing-Service_12345.html").write_text(CONFLUENCE_PAGE)
    (export / "styles/site.css").write_text("body { color: black; }\n")
    (export / "attachments/12345/777.txt").write_text("Ledger migration notes for the billing team.\n")
    (tmp_path / "space.zip").write_bytes(make_zip({f"PLATFORM/{p.relative_to(export)}": p.read_bytes()
                                                   for p in export.rglob("*") if p.is_file()}))  # fmt: skip
    for path, prefix in ((export, ""), (tmp_path / "space.zip", "space.zip!/PLATFORM/")):
        result = ingest("wiki", path)
        page = rows(result)[f"{prefix}Billing-Service_12345.html"]
        assert page["provenance"]["format"] == "confluence" and page["provenance"]["page_id"] == "12345"
        assert page["title"] == "Billing Service"
        assert meta(page)["ancestors"] == ["Platform", "Services"]
        assert page["text"].startswith("# Billing Service\n\n## Overview\n")
        assert "Env | Owner team" in page["text"]
        for chrome in ("Alice", "Created by", "Attachments", "Document generated"):
            assert chrome not in page["text"] and chrome not in page["metadata"]
        assert f"{prefix}attachments/12345/777.txt" in rows(result)
        assert reasons(result) == {
            f"{prefix}index.html": "navigation",
            f"{prefix}styles/site.css": "unsupported_format",
        }


def test_notion_export_with_nested_zip(tmp_path, ingest):
    page_id, child_id, db_id = (
        "0123456789abcdef0123456789abcdef",
        "fedcba9876543210fedcba9876543210",
        "1" * 32,
    )
    inner = make_zip(
        {
            f"Engineering Wiki {page_id}.md": b"# Engineering Wiki\n\nHow the engineering team works.\n",
            f"Engineering Wiki {page_id}/Onboarding {child_id}.md": (
                b"# Onboarding\n\nOwner: Alice Smith\n\nFirst week: set up your laptop and read the handbook.\n"
            ),
            f"Engineering Wiki {page_id}/Tasks {db_id}.csv": b"Name,Status\nWrite docs,Done\nShip v2,In progress\n",
            f"Engineering Wiki {page_id}/Runbook {'2' * 32}.html": (
                b"<html><body><article class='page'><header><h1 class='page-title'>Runbook</h1></header>"
                b"<div class='page-body'><p>Restart the worker when the queue stalls.</p></div></article></body></html>"
            ),
        }
    )
    (tmp_path / "Export-abc.zip").write_bytes(make_zip({"Export-abc-Part-1.zip": inner}))
    result = ingest("wiki", tmp_path / "Export-abc.zip")
    assert reasons(result) == {}
    recs = {r["title"]: r for r in rows(result).values()}
    assert set(recs) == {"Engineering Wiki", "Onboarding", "Tasks", "Runbook"}
    assert {r["provenance"]["format"] for r in recs.values()} == {"notion"}
    assert recs["Onboarding"]["provenance"]["page_id"] == child_id
    assert recs["Onboarding"]["uri"] == (
        f"Export-abc.zip!/Export-abc-Part-1.zip!/Engineering Wiki {page_id}/Onboarding {child_id}.md"
    )
    assert "| Write docs | Done |" in recs["Tasks"]["text"] and meta(recs["Tasks"])["rows"] == 2
    assert recs["Runbook"]["text"].startswith("# Runbook\n")


def test_pdf_good_encrypted_owner_only_and_corrupt(tmp_path, ingest):
    good = make_pdf(
        ["Deploy guide: run the migration first.", "Then restart the workers."], title="Deploy Guide"
    )
    (tmp_path / "guide.pdf").write_bytes(good)
    (tmp_path / "locked.pdf").write_bytes(encrypt_pdf(good, "s3cret"))
    (tmp_path / "owner-only.pdf").write_bytes(encrypt_pdf(good, ""))
    (tmp_path / "garbage.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    (tmp_path / "truncated.pdf").write_bytes(good[: len(good) // 2])
    (tmp_path / "blank.pdf").write_bytes(make_pdf([""]))
    result = ingest("wiki", tmp_path)
    assert reasons(result) == {
        "locked.pdf": "encrypted",
        "garbage.pdf": "corrupt",
        "truncated.pdf": "corrupt",
        "blank.pdf": "empty",
    }
    recs = rows(result)
    assert recs["guide.pdf"]["title"] == "Deploy Guide"
    assert (
        "run the migration first" in recs["guide.pdf"]["text"]
        and "restart the workers" in recs["guide.pdf"]["text"]
    )
    assert meta(recs["guide.pdf"])["pages"] == 2
    assert "run the migration first" in recs["owner-only.pdf"]["text"]


def test_docx_and_pptx_through_unstructured_offline(tmp_path, ingest, monkeypatch):
    attempts = []

    def no_network(*args, **kwargs):
        # Recorded, not only raised: unstructured's telemetry swallows any exception.
        attempts.append(args)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    docx_bytes = make_docx()
    (tmp_path / "handbook.docx").write_bytes(docx_bytes)
    (tmp_path / "roadmap.pptx").write_bytes(make_pptx())
    (tmp_path / "truncated.docx").write_bytes(docx_bytes[: len(docx_bytes) // 2])
    (tmp_path / "locked.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    result = ingest("wiki", tmp_path)
    assert reasons(result) == {"truncated.docx": "corrupt", "locked.docx": "encrypted"}
    doc = rows(result)["handbook.docx"]
    assert doc["title"] == "Incident handbook"
    assert [s["title"] for s in meta(doc)["sections"]] == ["Incident handbook", "Paging", "Escalation"]
    assert "acknowledge it within five minutes" in doc["text"] and "- Check the dashboard" in doc["text"]
    assert "SEV1 | Immediate" in doc["text"]
    assert "Alice" not in doc["text"] + doc["metadata"]
    deck = rows(result)["roadmap.pptx"]
    assert "## Slide 1" in deck["text"] and "### Quarterly roadmap" in deck["text"]
    assert "Migrate billing to the new ledger" in deck["text"] and "hiring plan" in deck["text"]
    assert deck["provenance"]["format"] == "pptx"
    assert attempts == []


def test_zip_bomb_inside_a_docx_trips_the_archive_limits(tmp_path, ingest):
    import io
    import zipfile

    buf = io.BytesIO(make_docx())
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/media/padding.bin", b"\0" * (8 << 20))
    (tmp_path / "bomb.docx").write_bytes(buf.getvalue())
    result = ingest("wiki", tmp_path, max_file_bytes=50_000_000)
    assert reasons(result) == {"bomb.docx": "zip_bomb"}
