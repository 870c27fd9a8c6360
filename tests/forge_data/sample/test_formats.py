"""Every generated format parses with the standard tool for it, with the structure real tools write."""

from __future__ import annotations

import datetime as dt
import email
import hashlib
import json
import mailbox
import re
import xml.etree.ElementTree as ET
from email import policy
from html.parser import HTMLParser

import yaml
from docx import Document

NS = "{http://www.mediawiki.org/xml/export-0.11/}"


def slack_days(sample):
    root = sample.path("slack")
    return {p.relative_to(root).as_posix(): json.loads(p.read_text()) for p in sorted(root.glob("*/*.json"))}


def test_slack_export_layout_and_messages(sample):
    root = sample.path("slack")
    channels = json.loads((root / "channels.json").read_text())
    users = {u["id"]: u for u in json.loads((root / "users.json").read_text())}
    assert {c["name"] for c in channels} == {p.name for p in root.iterdir() if p.is_dir()}
    assert "\\/" in (root / "users.json").read_text()  # Slack's exporter escapes slashes
    days = slack_days(sample)
    subtypes, total = set(), 0
    for rel, msgs in days.items():
        day = rel.split("/")[1].removesuffix(".json")
        assert msgs == sorted(msgs, key=lambda m: float(m["ts"]))
        for m in msgs:
            total += 1
            assert m["type"] == "message" and re.fullmatch(r"\d{10}\.\d{6}", m["ts"])
            assert dt.datetime.fromtimestamp(float(m["ts"]), dt.UTC).date().isoformat() == day
            subtypes.add(m.get("subtype"))
            if "subtype" not in m:
                assert m["user"] in users and m["user_profile"]["real_name"] == users[m["user"]]["real_name"]
            for uid in re.findall(r"<@(U[A-Z0-9]+)>", m["text"]):
                assert uid in users
    assert {None, "channel_join", "bot_message"} <= subtypes
    assert total == sample.counts["slack_messages"]


def test_slack_threads_are_consistent(sample):
    msgs = [m for day in slack_days(sample).values() for m in day]
    by_ts = {m["ts"]: m for m in msgs}
    parents = [m for m in msgs if m.get("reply_count")]
    assert len(parents) >= 50
    for p in parents:
        replies = sorted(
            (m for m in msgs if m.get("thread_ts") == p["ts"] and m["ts"] != p["ts"]),
            key=lambda m: float(m["ts"]),
        )
        assert p["thread_ts"] == p["ts"]
        assert p["reply_count"] == len(replies)
        assert p["replies"] == [{"user": r["user"], "ts": r["ts"]} for r in replies]
        assert p["latest_reply"] == replies[-1]["ts"]
    orphans = [m for m in msgs if m.get("thread_ts") and m["thread_ts"] not in by_ts]
    assert orphans == []


def mbox_messages(sample):
    box = mailbox.mbox(sample.path(sample.paths["mbox"]), create=False)
    try:
        return [email.message_from_bytes(box.get_bytes(k), policy=policy.default) for k in box.keys()]
    finally:
        box.close()


def test_mbox_parses_with_threads_and_encodings(sample):
    msgs = mbox_messages(sample)
    assert len(msgs) == sample.counts["emails"]
    ids = {m["Message-ID"] for m in msgs}
    assert len(ids) == len(msgs)
    for m in msgs:
        for header in ("From", "To", "Subject", "Date", "Message-ID"):
            assert m[header], header
        if m["In-Reply-To"]:
            assert m["In-Reply-To"] in ids
            assert m["References"].split()[-1] == m["In-Reply-To"]
            assert m["Subject"].startswith("Re: ")
    assert sum(1 for m in msgs if m["In-Reply-To"]) >= 5
    encodings = {p.get("Content-Transfer-Encoding") for m in msgs for p in m.walk() if not p.is_multipart()}
    assert {"quoted-printable", "base64"} <= encodings
    attachments = [p for m in msgs for p in m.iter_attachments()]
    assert any(
        p.get_content_type() == "text/plain" and p.get_filename().endswith(".txt") for p in attachments
    )
    qp = next(m for m in msgs if m.get_body().get("Content-Transfer-Encoding") == "quoted-printable")
    assert "’" in qp.get_body().get_content()  # non-ASCII survives the round trip


def test_mediawiki_export_follows_schema_0_11(sample):
    root = ET.parse(sample.path("wiki/mediawiki/acme-wiki-export.xml")).getroot()
    assert root.tag == NS + "mediawiki" and root.get("version") == "0.11"
    assert root.find(NS + "siteinfo/" + NS + "sitename").text == "Acme Wiki"
    pages = root.findall(NS + "page")
    redirects = [p for p in pages if p.find(NS + "redirect") is not None]
    articles = [p for p in pages if p.find(NS + "redirect") is None and p.findtext(NS + "ns") == "0"]
    assert redirects and len(articles) >= 5
    assert all(len(p.findall(NS + "revision")) >= 2 for p in articles)
    for page in redirects:
        text = page.find(NS + "revision/" + NS + "text").text
        assert text.startswith(f"#REDIRECT [[{page.find(NS + 'redirect').get('title')}]]")
    wikitext = "\n".join(t.text for t in root.iter(NS + "text"))
    for markup in ("'''", "[[", "== ", "{{", "[[Category:"):
        assert markup in wikitext, markup
    for rev in root.iter(NS + "revision"):
        text = rev.find(NS + "text")
        assert int(text.get("bytes")) == len(text.text.encode())
        n, digits = int(hashlib.sha1(text.text.encode()).hexdigest(), 16), ""
        while n:
            n, r = divmod(n, 36)
            digits = "0123456789abcdefghijklmnopqrstuvwxyz"[r] + digits
        assert rev.findtext(NS + "sha1") == digits.rjust(31, "0")
        assert rev.findtext(NS + "model") == "wikitext"


def test_docx_files_read_back_with_python_docx(sample):
    docs = sorted(sample.path("wiki/documents").glob("*.docx"))
    assert len(docs) == sample.counts["docx_files"] == 2
    for path in docs:
        doc = Document(str(path))
        styles = {p.style.name for p in doc.paragraphs}
        assert "Title" in styles and "Heading 1" in styles
        assert doc.tables and len(doc.tables[0].rows) >= 4
        assert doc.core_properties.author and doc.core_properties.modified.year == 2024


def test_markdown_pages_have_front_matter(sample):
    pages = sorted(sample.path("wiki").rglob("*.md"))
    assert len(pages) == sample.counts["wiki_markdown_pages"]
    for path in pages:
        text = path.read_text()
        assert text.startswith("---\n"), path
        meta = yaml.safe_load(text[4 : text.index("\n---\n", 4)])
        assert set(meta) == {"title", "author", "tags", "updated"}, path
        assert isinstance(meta["tags"], list) and isinstance(meta["updated"], dt.date)


class _Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.seen, self.open = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.seen.append((tag, attrs.get("id"), attrs.get("class")))
        if tag not in {"meta", "link", "img", "input", "br"}:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else None}>"
        self.open.pop()


def test_html_pages_wrap_content_in_boilerplate(sample):
    pages = sorted(sample.path("wiki/intranet").glob("*.html"))
    assert len(pages) == sample.counts["wiki_html_pages"] >= 5
    for path in pages:
        outline = _Outline()
        outline.feed(path.read_text())
        assert outline.open == []
        tags = {(t, i, c) for t, i, c in outline.seen}
        assert ("div", "cookie-banner", "cookie-banner") in tags
        assert any(t == "nav" for t, _, _ in tags) and ("aside", None, "sidebar") in tags
        assert any(t == "footer" for t, _, _ in tags) and any(t == "article" for t, _, _ in tags)
