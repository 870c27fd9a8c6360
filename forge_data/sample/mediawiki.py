"""A MediaWiki XML export (schema 0.11) of Acme's old engineering wiki, with full page histories.

Written the way Special:Export / dumpBackup.php write it: ``<siteinfo>``, then one ``<page>`` per
title with every ``<revision>`` (id, parentid, timestamp, contributor, comment, model, format,
text with byte count and base-36 SHA-1). Some pages are redirects; one template page exists.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from xml.sax.saxutils import escape, quoteattr

from . import values
from .company import PRODUCTS, Person
from .context import Context
from .manifest import Location
from .prose import EPOCH, Writer

SOURCE = "wiki"
FILE = "wiki/mediawiki/acme-wiki-export.xml"
NS = "http://www.mediawiki.org/xml/export-0.11/"

SITEINFO = """  <siteinfo>
    <sitename>Acme Wiki</sitename>
    <dbname>acmewiki</dbname>
    <base>https://wiki.acme.internal/wiki/Main_Page</base>
    <generator>MediaWiki 1.41.1</generator>
    <case>first-letter</case>
    <namespaces>
      <namespace key="-2" case="first-letter">Media</namespace>
      <namespace key="-1" case="first-letter">Special</namespace>
      <namespace key="0" case="first-letter" />
      <namespace key="1" case="first-letter">Talk</namespace>
      <namespace key="2" case="first-letter">User</namespace>
      <namespace key="4" case="first-letter">Acme Wiki</namespace>
      <namespace key="10" case="first-letter">Template</namespace>
      <namespace key="14" case="first-letter">Category</namespace>
    </namespaces>
  </siteinfo>
"""

SECTIONS = {
    "Anvil": ["Usage", "Sparks", "Quench", "Configuration"],
    "Foundry": ["Datasets", "Ingots", "Slag queue", "API"],
    "Tongs": ["Installation", "Commands", "Troubleshooting"],
    "Hearth": ["Paging", "Severities", "Escalation"],
    "Lockbox": ["Paths", "Rotation", "Access reviews"],
    "Crucible": ["Pipelines", "Billets", "Runners"],
    "Bellows": ["Boards", "Alerts", "Retention"],
    "Sprocket": ["Telemetry", "Firmware", "Sites"],
}
REDIRECTS = [
    ("Spark", "Anvil#Sparks"),
    ("Quench", "Anvil#Quench"),
    ("Ingot", "Foundry#Ingots"),
    ("Slag", "Foundry#Slag queue"),
]
COMMANDS = {
    "Anvil": "anvil ship foundry-api --env staging\nanvil quench foundry-api --env prod",
    "Foundry": "tongs foundry create tote_scans --owner data-infrastructure\ntongs foundry replay tote_scans",
    "Tongs": "tongs login\ntongs doctor --fix",
    "Lockbox": "tongs lockbox get platform/anvil-server/db-password",
}
INFOBOX = """<includeonly>{| class="infobox"
! colspan="2" | {{{name}}}
|-
| Kind || {{{kind}}}
|-
| Owner || {{{owner}}}
|-
| Channel || {{{channel}}}
|}</includeonly><noinclude>Infobox for Acme products. Usage: <code><nowiki>{{Infobox product|name=...|kind=...|owner=...|channel=...}}</nowiki></code>
[[Category:Templates]]</noinclude>"""


def mw_sha1(text: str) -> str:
    """MediaWiki's revision hash: SHA-1 in base 36, zero-padded to 31 characters."""
    n = int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16)
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out.rjust(31, "0")


def linkify(text: str, current: str) -> str:
    """Turn the first mention of each other product into a wiki link, as editors do."""
    for p in PRODUCTS:
        if p.name != current and p.name in text:
            text = text.replace(p.name, f"[[{p.name}]]", 1)
    return text


class MediaWikiExport:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.rng = ctx.rng("mediawiki")
        self.w = Writer(self.rng, ctx.company)
        self.users = {
            p.name: (p.first + p.name.split()[-1][0], i + 1) for i, p in enumerate(ctx.company.people)
        }
        self.page_id = 1
        self.rev_id = 100
        self.day = 2
        self.revision_count = 0

    def revision(
        self, text: str, author: Person, comment: str, parent: int | None, minor: bool = False
    ) -> tuple[int, str]:
        self.rev_id += self.rng.randrange(1, 40)
        self.day += self.rng.randrange(0, 3)
        self.revision_count += 1
        stamp = (EPOCH + timedelta(days=self.day, minutes=self.rng.randrange(600))).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        user, uid = self.users[author.name]
        sha = mw_sha1(text)
        lines = ["    <revision>", f"      <id>{self.rev_id}</id>"]
        if parent:
            lines.append(f"      <parentid>{parent}</parentid>")
        lines += [f"      <timestamp>{stamp}</timestamp>", "      <contributor>", f"        <username>{escape(user)}</username>",
                  f"        <id>{uid}</id>", "      </contributor>"]  # fmt: skip
        if minor:
            lines.append("      <minor />")
        lines += [f"      <comment>{escape(comment)}</comment>", f"      <origin>{self.rev_id}</origin>",
                  "      <model>wikitext</model>", "      <format>text/x-wiki</format>",
                  f'      <text bytes="{len(text.encode())}" sha1="{sha}" xml:space="preserve">{escape(text)}</text>',
                  f"      <sha1>{sha}</sha1>", "    </revision>"]  # fmt: skip
        return self.rev_id, "\n".join(lines)

    def page(
        self,
        title: str,
        revisions: list[tuple[str, Person, str, bool]],
        ns: int = 0,
        redirect: str | None = None,
    ):
        """One <page>; ``revisions`` are (text, author, comment, minor). Returns (xml, revision ids)."""
        out = [
            "  <page>",
            f"    <title>{escape(title)}</title>",
            f"    <ns>{ns}</ns>",
            f"    <id>{self.page_id}</id>",
        ]
        if redirect:
            out.append(f"    <redirect title={quoteattr(redirect)} />")
        self.page_id += 1
        parent, ids = None, []
        for text, author, comment, minor in revisions:
            parent, xml = self.revision(text, author, comment, parent, minor)
            ids.append(parent)
            out.append(xml)
        out.append("  </page>")
        return "\n".join(out), ids

    def article(self, product: str) -> str:
        """Returns the page's XML; plants PII in one revision and removes it again in the next."""
        p = next(x for x in PRODUCTS if x.name == product)
        people = self.rng.sample(self.ctx.company.people, 3)
        infobox = (f"{{{{Infobox product\n| name = {p.name}\n| kind = {p.kind}\n| owner = [[{p.team}]]\n"
                   f"| channel = #{p.channel}\n}}}}")  # fmt: skip
        intro = f"'''{p.name}''' is [[Acme Robotics]]' {p.kind}: it {p.summary}."
        sections = []
        for title in SECTIONS[product]:
            body = linkify(self.w.paragraph(product, 3), product)
            if title == SECTIONS[product][0] and product in COMMANDS:
                body += f'\n\n<syntaxhighlight lang="bash">\n{COMMANDS[product]}\n</syntaxhighlight>'
            sections.append(f"== {title} ==\n{body}")
        footer = f"\n\n[[Category:Tools]]\n[[Category:{p.team}]]"
        texts = [
            "\n\n".join([infobox, intro, sections[0]]) + footer,
            "\n\n".join([infobox, intro, *sections[:2]]) + footer,
            "\n\n".join([infobox, intro, *sections]) + footer,
        ]
        comments = ["Created page", f"Add section: {SECTIONS[product][1]}", "Expand; add remaining sections"]
        owner = people[0]
        plant_at = self.rng.choice([1, 2]) if product in ("Anvil", "Hearth", "Lockbox", "Foundry") else None
        if plant_at is not None:
            contact = f"\n\n== Contact ==\nOwner on call this week: '''{owner.name}''', mobile phone {owner.phone}, {owner.email}."
            texts[plant_at] = texts[plant_at].replace(footer, contact + footer)
            if plant_at == 1:  # the next editor removes the personal details again
                comments[2] += "; remove personal phone number"
        marker = prefix = None
        if product == "Lockbox":
            marker = values.canary_token(self.rng)
            prefix = "{{Credentials|service=kiln-admin|user=kiln_admin|password="
            cred = f"\n\nBreak-glass account for kiln-prod: {prefix}{marker}}}}}"
            texts[1] = texts[1].replace(footer, cred + footer)
            comments.append("Remove break-glass credentials; they live in Lockbox now")
            texts.append(texts[2])
        revs = [(t, people[i % 3], c, i == 3) for i, (t, c) in enumerate(zip(texts, comments, strict=True))]
        xml, ids = self.page(product, revs)
        # Record each value in every revision that holds it: revisions copy what they do not remove.
        led = self.ctx.ledger
        contact_values = (
            ("PERSON", owner.name),
            ("PHONE_NUMBER", owner.phone),
            ("EMAIL_ADDRESS", owner.email),
        )
        for text, rev in zip(texts, ids, strict=True):
            where = Location(SOURCE, FILE, f"page={product};revision={rev}")
            for type_, value in contact_values if plant_at is not None else ():
                if value in text:
                    led.pii(type_, value, where)
            if marker and marker in text:
                led.secret("PASSWORD", marker, where)
                led.canary(marker, prefix, "PASSWORD", marker, where)
        return xml

    def build(self) -> str:
        parts = [
            f'<mediawiki xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xsi:schemaLocation="{NS} http://www.mediawiki.org/xml/export-0.11.xsd" version="0.11" xml:lang="en">',
            SITEINFO.rstrip("\n"),
        ]
        editor = self.ctx.company.people[0]
        parts.append(
            self.page("Template:Infobox product", [(INFOBOX, editor, "Created template", False)], ns=10)[0]
        )
        for product in SECTIONS:
            parts.append(self.article(product))
        for title, target in REDIRECTS:
            text = f"#REDIRECT [[{target}]]\n\n{{{{R to section}}}}"
            parts.append(
                self.page(
                    title, [(text, editor, f"Redirected page to [[{target}]]", False)], redirect=target
                )[0]
            )
        parts.append("</mediawiki>\n")
        xml = "\n".join(parts)
        self.ctx.write(FILE, xml)
        return xml


def build_mediawiki(ctx: Context) -> str:
    return MediaWikiExport(ctx).build()
