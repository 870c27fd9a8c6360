"""MediaWiki XML exports: latest revision per page, wikitext reduced, redirects resolved."""

from __future__ import annotations

from forge_data.ingest.formats.wikitext import redirect_target, to_text

from .conftest import meta, reasons, rows


def page(
    title: str, ns: int, pid: int, revisions: list[tuple[int, str, str]], redirect: str | None = None
) -> str:
    revs = "".join(
        f"<revision><id>{rid}</id><timestamp>{ts}</timestamp><contributor><username>Alice Smith</username>"
        f"<id>7</id></contributor><model>wikitext</model><format>text/x-wiki</format>"
        f'<text bytes="{len(text)}" xml:space="preserve">{text}</text></revision>'
        for rid, ts, text in revisions
    )
    red = f'<redirect title="{redirect}" />' if redirect else ""
    return f"<page><title>{title}</title><ns>{ns}</ns><id>{pid}</id>{red}{revs}</page>"


def export(version: str, pages: list[str]) -> str:
    return (
        f'<mediawiki xmlns="http://www.mediawiki.org/xml/export-{version}/" version="{version}" xml:lang="en">'
        '<siteinfo><sitename>Ops Wiki</sitename><namespaces><namespace key="0" case="first-letter" />'
        '<namespace key="10" case="first-letter">Template</namespace></namespaces></siteinfo>'
        + "".join(pages)
        + "</mediawiki>"
    )


BILLING_OLD = "Old text about billing that was replaced."
BILLING_NEW = (
    "{{Infobox|owner={{user|Bob}}}}\n'''Billing''' charges customers monthly.&lt;ref&gt;memo&lt;/ref&gt; "
    "See [[Ledger|the ledger]].\n== Deploy ==\n* run the job\n[[Category:Services]]"
)


def test_latest_revision_redirects_and_namespaces(tmp_path, ingest):
    dump = export(
        "0.11",
        [
            page(
                "Billing",
                0,
                1,
                [(10, "2023-01-01T00:00:00Z", BILLING_OLD), (11, "2024-02-01T00:00:00Z", BILLING_NEW)],
            ),
            page("Ledger", 0, 2, [(12, "2024-01-01T00:00:00Z", "The ledger records every charge.")]),
            page(
                "Billing service",
                0,
                3,
                [(13, "2024-01-02T00:00:00Z", "#REDIRECT [[Billing]]")],
                redirect="Billing",
            ),
            page("Old name", 0, 4, [(14, "2024-01-02T00:00:00Z", "#redirect [[Gone page]]")]),
            page("Template:Infobox", 10, 5, [(15, "2024-01-02T00:00:00Z", "{{{owner}}}")]),
            page("Hidden", 0, 6, []),
            page("Limits", 0, 8, [(18, "2024-01-02T00:00:00Z", '{"max": 3}')]).replace("wikitext", "json"),
        ],
    )
    (tmp_path / "ops.xml").write_text(dump.replace("<page><title>Hidden</title><ns>0</ns><id>6</id></page>",
        "<page><title>Hidden</title><ns>0</ns><id>6</id><revision><id>16</id><timestamp>2024-01-01T00:00:00Z"
        '</timestamp><text deleted="deleted" /></revision></page>'))  # fmt: skip
    (tmp_path / "old.xml").write_text(
        export("0.10", [page("Runbook", 0, 1, [(1, "2020-05-05T00:00:00Z", "Restart it.")])])
    )
    result = ingest("wiki", tmp_path)
    assert reasons(result) == {
        "mediawiki://ops.xml/Billing_service": "redirect",
        "mediawiki://ops.xml/Old_name": "redirect",
        "mediawiki://ops.xml/Template:Infobox": "skipped_namespace",
        "mediawiki://ops.xml/Hidden": "empty",
        "mediawiki://ops.xml/Limits": "unsupported_format",
    }
    recs = rows(result)
    billing = recs["mediawiki://ops.xml/Billing"]
    assert (
        billing["text"]
        == "# Billing\n\nBilling charges customers monthly. See the ledger.\n## Deploy\n- run the job\n"
    )
    assert BILLING_OLD not in billing["text"]
    assert billing["provenance"]["revision"] == "11" and billing["provenance"]["page_id"] == "1"
    assert billing["provenance"]["author_hash"].startswith("u-") and "Alice" not in str(billing)
    assert meta(billing)["aliases"] == ["Billing service"] and meta(billing)["categories"] == ["Services"]
    assert billing["created_at"].year == 2024
    assert [s["title"] for s in meta(billing)["sections"]] == ["Billing", "Deploy"]
    assert recs["mediawiki://old.xml/Runbook"]["provenance"]["format"] == "mediawiki"
    details = {r["uri"]: r["detail"] for r in result.quarantine.to_pylist()}
    assert "alias" in details["mediawiki://ops.xml/Billing_service"]
    assert "not in this export" in details["mediawiki://ops.xml/Old_name"]


def test_dump_cut_off_midway_keeps_the_pages_before_the_break(tmp_path, ingest):
    dump = export(
        "0.11",
        [page(f"Page {i}", 0, i, [(i, "2024-01-01T00:00:00Z", f"Text of page {i}.")]) for i in range(3)],
    )
    (tmp_path / "cut.xml").write_text(dump[: dump.index("<page><title>Page 2")] + "<page><title>Pa")
    result = ingest("wiki", tmp_path)
    assert set(rows(result)) == {"mediawiki://cut.xml/Page_0", "mediawiki://cut.xml/Page_1"}
    assert reasons(result) == {"cut.xml": "parse_error"}


def test_page_over_the_size_limit_is_quarantined_alone(tmp_path, ingest):
    dump = export("0.11", [page("Big", 0, 1, [(1, "2024-01-01T00:00:00Z", "word " * 400)]),
                           page("Small", 0, 2, [(2, "2024-01-01T00:00:00Z", "Short page.")])])  # fmt: skip
    (tmp_path / "w.xml").write_text(dump)
    result = ingest("wiki", tmp_path, max_file_bytes=1000)  # the dump itself is larger: it streams
    assert reasons(result) == {"mediawiki://w.xml/Big": "too_large"}
    assert list(rows(result)) == ["mediawiki://w.xml/Small"]


def test_wikitext_reduction():
    text, cats = to_text(
        "[[File:Flow.png|thumb|The [[Billing]] flow]]Intro ''with'' [https://example.com a link].\n"
        "{| class=wikitable\n! Env !! URL\n|-\n| prod || [[Prod|production]]\n|}\n"
        '<syntaxhighlight lang="bash">\nmake {{deploy}}\n</syntaxhighlight>\n<!-- hidden -->__NOTOC__\n'
        "# first\n## nested\n[[Kategorie:Ops]][[de:Abrechnung]]"
    )
    assert (
        text
        == "Intro with a link.\n\nEnv | URL\nprod | production\n\n```bash\nmake {{deploy}}\n```\n\n1. first\n  1. nested\n"
    )
    assert cats == ["Ops"]
    assert redirect_target("#REDIRECT [[Main_Page#History]]") == "Main Page"
    assert redirect_target("Just text") is None


def test_malformed_page_is_one_row_not_the_whole_dump(tmp_path, ingest):
    good = page("Good", 0, 1, [(1, "2024-01-01T00:00:00Z", "Fine page.")])
    bad = page("Bad", 0, 2, [(2, "2024-01-01T00:00:00Z", "Broken.")]).replace("<ns>0</ns>", "<ns>main</ns>")
    (tmp_path / "w.xml").write_text(export("0.11", [bad, good]))
    result = ingest("wiki", tmp_path)
    assert reasons(result) == {"mediawiki://w.xml#page-1": "parse_error"}
    assert list(rows(result)) == ["mediawiki://w.xml/Good"]
