"""Intranet pages saved as HTML: the real content sits inside navigation, a sidebar, a footer and a
cookie banner, which a good extractor must strip."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from . import values
from .company import FACTS_BY_TOPIC, Person
from .context import Context
from .manifest import Location
from .prose import EPOCH, Writer

SOURCE = "wiki"

HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Acme Intranet</title>
<link rel="stylesheet" href="/static/intranet.css?v=4.2.0">
<script src="/static/analytics.js" defer></script>
</head>
<body class="page page--article">
<div id="cookie-banner" class="cookie-banner" role="dialog" aria-label="Cookie consent">
  <p>We use cookies to keep you signed in and to understand how the intranet is used.
  See our <a href="/privacy">privacy notice</a>.</p>
  <button type="button" class="btn btn--primary" data-consent="all">Accept all</button>
  <button type="button" class="btn" data-consent="necessary">Only necessary</button>
</div>
<header class="site-header">
  <a class="logo" href="/"><img src="/static/img/anvil-logo.png" alt="Acme Robotics" width="48" height="48"></a>
  <nav class="top-nav" aria-label="Main">
    <ul>
      <li><a href="/">Home</a></li>
      <li><a href="/engineering">Engineering</a></li>
      <li><a href="/people">People</a></li>
      <li><a href="/it">IT Help</a></li>
      <li><a href="/policies">Policies</a></li>
    </ul>
  </nav>
  <form class="search" action="/search"><input type="search" name="q" placeholder="Search the intranet"></form>
</header>
<div class="layout">
<aside class="sidebar">
  <h2>In this space</h2>
  <ul>
{sidebar}
  </ul>
  <h2>Recently updated</h2>
  <ul>
    <li><a href="/engineering/runbooks/anvil">Anvil runbook</a></li>
    <li><a href="/engineering/glossary">Acme glossary</a></li>
  </ul>
</aside>
<main id="content">
<article>
<h1>{title}</h1>
<p class="page-meta">Last updated {updated} by {author}</p>
"""

TAIL = """</article>
</main>
</div>
<footer class="site-footer">
  <p>© 2024 Acme Robotics, Inc. · Internal use only · <a href="/it/help">Report a problem with this page</a></p>
  <p><a href="/privacy">Privacy</a> · <a href="/accessibility">Accessibility</a> · <a href="/sitemap">Sitemap</a></p>
</footer>
<script>document.querySelectorAll("[data-consent]").forEach(b => b.addEventListener("click", () =>
  document.getElementById("cookie-banner").remove()));</script>
</body>
</html>
"""

PAGES = [
    ("security-policy-secrets", "Security policy: secrets and credentials", "Lockbox"),
    ("deploy-freeze-policy", "Deploy freeze policy (cold Friday)", "Anvil"),
    ("it-helpdesk", "IT helpdesk", "Gatehouse"),
    ("expenses", "Expense reimbursement", None),
    ("all-hands-q1", "Engineering all-hands, Q1 notes", "Foundry"),
    ("on-call-handbook", "On-call handbook", "Hearth"),
    ("customer-escalations", "Customer escalation process", "Fleetwise"),
    ("ci-guide", "Crucible guide for new services", "Crucible"),
]


def _p(text: str) -> str:
    return f"<p>{escape(text, quote=False)}</p>"


class HtmlWiki:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.rng = ctx.rng("wiki-html")
        self.w = Writer(self.rng, ctx.company)

    def plant(self, rel: str, type_: str, value: str, secret: bool = False) -> str:
        where = Location(SOURCE, "wiki/" + rel)
        (self.ctx.ledger.secret if secret else self.ctx.ledger.pii)(type_, value, where)
        return value

    def person(self, rel: str, p: Person) -> str:
        """A contact line: name, e-mail and phone, all recorded as planted."""
        self.plant(rel, "PERSON", p.name)
        self.plant(rel, "EMAIL_ADDRESS", p.email)
        self.plant(rel, "PHONE_NUMBER", p.phone)
        return f"{p.name} ({p.email}, phone {p.phone})"

    def body(self, slug: str, rel: str, topic: str | None) -> list[str]:
        rng, w, people = self.rng, self.w, self.ctx.company.people
        out: list[str] = []
        if topic:
            facts = FACTS_BY_TOPIC.get(topic, [])
            out += [_p(w.paragraph(topic, 3))]
            out += ["<h2>What you need to know</h2>", "<ul>"]
            out += [f"<li>{escape(f.sentence, quote=False)}</li>" for f in facts[:4]]
            out += ["</ul>", "<h2>Details</h2>", _p(w.paragraph(topic, 3, with_fact=False))]
        if slug == "security-policy-secrets":
            out += [_p("If a secret leaks, rotate it in Lockbox the same day and tell #security. Reporting a leak is "
                       "never held against you; hiding one is.")]  # fmt: skip
        elif slug == "it-helpdesk":
            desk = rng.choice(people)
            out += ["<h2>Contact</h2>", _p("The helpdesk is staffed 08:00 to 18:00 Pacific. Out of hours, page IT "
                    "through Hearth."), _p("Helpdesk lead: " + self.person(rel, desk))]  # fmt: skip
            ip = self.plant(rel, "IP_ADDRESS", values.ipv4(rng))
            out += [
                _p(
                    f"The office VPN gateway is {ip}; if `tongs doctor` cannot reach Gatehouse, check it first."
                )
            ]
        elif slug == "expenses":
            who = rng.choice(people)
            iban = self.plant(rel, "IBAN_CODE", values.iban(rng))
            out += [_p("Submit receipts within 30 days. Reimbursements are paid to the bank account on file."),
                    "<h2>Example</h2>",
                    _p(f"{self.plant(rel, 'PERSON', who.name)} was reimbursed for the Leeds site visit to IBAN {iban}."),
                    "<table><thead><tr><th>Category</th><th>Limit</th></tr></thead><tbody>",
                    "<tr><td>Hotel</td><td>$220 per night</td></tr><tr><td>Meals</td><td>$75 per day</td></tr>",
                    "</tbody></table>"]  # fmt: skip
        elif slug == "customer-escalations":
            cust = rng.choice(self.ctx.company.customers)
            card = self.plant(rel, "CREDIT_CARD", values.credit_card(rng, grouped=True))
            out += ["<h2>Example escalation</h2>",
                    _p(f"{cust.org} escalated through {self.person(rel, cust)} when their Fleetwise export failed. "
                       f"Their invoice had been charged to card {card}, which support must never repeat in a ticket.")]  # fmt: skip
        elif slug == "on-call-handbook":
            primary = rng.choice(people)
            out += ["<h2>This week</h2>", _p("Primary on-call: " + self.person(rel, primary))]
        out += ["<h2>Related</h2>", "<ul>"]
        others = [page for page in PAGES if page[0] != slug]
        out += [f'<li><a href="/engineering/{s}">{escape(t)}</a></li>' for s, t, _ in rng.sample(others, 3)]
        out += ["</ul>"]
        return out

    def build(self) -> dict[str, str]:
        pages = {}
        sidebar = "\n".join(f'    <li><a href="/engineering/{s}">{escape(t)}</a></li>' for s, t, _ in PAGES)
        for i, (slug, title, topic) in enumerate(PAGES):
            rel = f"intranet/{slug}.html"
            author = self.rng.choice(self.ctx.company.people)
            self.plant(rel, "PERSON", author.name)
            updated = (EPOCH + timedelta(days=10 + 4 * i)).strftime("%B %d, %Y").replace(" 0", " ")
            head = HEAD.format(
                title=escape(title), sidebar=sidebar, updated=updated, author=escape(author.name)
            )
            pages[rel] = head + "\n".join(self.body(slug, rel, topic)) + "\n" + TAIL
            self.ctx.write("wiki/" + rel, pages[rel])
        return pages


def build_html(ctx: Context) -> dict[str, str]:
    return HtmlWiki(ctx).build()
