"""Markdown wiki pages with YAML front matter: runbooks, team pages, postmortems, notes, ADRs.

Also plants the wiki's exact copy and near-duplicates (copies with a known share of words
edited) and records them in the ledger.
"""

from __future__ import annotations

from datetime import timedelta

from . import values
from .company import FACTS, FACTS_BY_TOPIC, JARGON, PRODUCTS, TEAMS, Person
from .context import Context
from .incidents import Incident
from .manifest import Location
from .near_dup import mutate, similarity
from .prose import EPOCH, Writer, team_slug

SOURCE = "wiki"

RUNBOOKS: dict[str, list[tuple[str, list[str]]]] = {
    "Anvil": [
        ("Shipping a service", ["anvil ship foundry-api --env staging", "anvil status foundry-api --env staging",
                                "anvil ship foundry-api --env prod"]),
        ("When a spark goes wrong", ["anvil quench foundry-api --env prod --reason 'error rate during temper'"]),
        ("Configuration", []),
        ("Cold Friday", []),
    ],
    "Foundry": [
        ("Creating a dataset", ["tongs foundry create tote_scans --owner data-infrastructure"]),
        ("Reading ingots", ["tongs foundry describe tote_scans"]),
        ("The slag queue", ["tongs foundry replay tote_scans"]),
        ("Retention", []),
    ],
    "Tongs": [
        ("Installing", ["brew install acme/tap/tongs", "tongs login", "tongs doctor"]),
        ("Everyday commands", ["tongs env foundry-api", "tongs kiln use staging"]),
        ("Troubleshooting", ["tongs doctor --fix"]),
    ],
    "Crucible": [("Defining a pipeline", []), ("Billets", ["tongs crucible logs anvil-server"]), ("Flaky tests", [])],
    "Bellows": [("Default boards", []), ("Alerts", []), ("Deploy markers", [])],
    "Hearth": [("Being on call", []), ("Severities", []), ("Acknowledging pages", ["tongs hearth ack INC-2417"])],
    "Lockbox": [
        ("Storing a secret", ["tongs lockbox put platform/anvil-server/db-password --from-file pw.txt"]),
        ("Reading a secret", ["tongs lockbox get platform/anvil-server/db-password --out /tmp/pw"]),
        ("Rotation", []),
    ],
    "Gatehouse": [("Signing in", ["tongs login"]), ("Service accounts", []), ("Token lifetime", [])],
    "Sprocket": [("Firmware rollouts", []), ("Telemetry", []), ("Lost robots", [])],
    "Fleetwise": [("Customer exports", []), ("Support", []), ("Releases", [])],
}  # fmt: skip

ADRS = [
    (
        "Ingots are immutable",
        "Foundry",
        "Readers kept seeing rows change under them while a pipeline rewrote a table.",
    ),
    (
        "Every deploy starts with a spark",
        "Anvil",
        "Two SEV1s in a quarter came from promoting a bad build to all pods.",
    ),
    ("Secrets live only in Lockbox", "Lockbox", "Keys were found in config files, chat and CI logs."),
    (
        "One CLI for internal tools",
        "Tongs",
        "New hires installed seven tools and three of them disagreed on auth.",
    ),
    (
        "Alerts route through Hearth",
        "Hearth",
        "Bellows alerts paged whoever had set them up, even on holiday.",
    ),
]


def front_matter(title: str, author: str, tags: list[str], updated: str) -> str:
    return f'---\ntitle: "{title}"\nauthor: {author}\ntags: [{", ".join(tags)}]\nupdated: {updated}\n---\n'


def split_front_matter(text: str) -> str:
    """The page body without its front matter (what near-duplicate similarity is measured on)."""
    if text.startswith("---\n"):
        end = text.index("\n---\n", 4)
        return text[end + 5 :]
    return text


class MarkdownWiki:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.rng = ctx.rng("wiki-markdown")
        self.w = Writer(self.rng, ctx.company)
        self.pages: dict[str, str] = {}

    def where(self, rel: str) -> Location:
        return Location(SOURCE, "wiki/" + rel)

    def day(self, offset: int) -> str:
        return (EPOCH + timedelta(days=offset)).date().isoformat()

    def author(self, rel: str, person: Person | None = None) -> str:
        person = person or self.rng.choice(self.ctx.company.people)
        self.ctx.ledger.pii("PERSON", person.name, self.where(rel))
        return person.name

    def contact_line(self, rel: str, person: Person) -> str:
        led, at = self.ctx.ledger, self.where(rel)
        led.pii("PERSON", person.name, at)
        led.pii("EMAIL_ADDRESS", person.email, at)
        led.pii("PHONE_NUMBER", person.phone, at)
        return f"Escalation contact: {person.name} ({person.email}, phone {person.phone})."

    def runbook(self, product: str) -> None:
        p = next(x for x in PRODUCTS if x.name == product)
        rel = f"runbooks/{product.lower()}.md"
        owner = self.ctx.company.team_members(p.team)[0]
        out = [front_matter(f"{product} runbook", self.author(rel), [product.lower(), "runbook", team_slug(p.team)],
                            self.day(self.rng.randrange(10, 55)))]  # fmt: skip
        out += [f"# {product} runbook", "", f"{product} is our {p.kind}: it {p.summary}. It is owned by the {p.team} "
                f"team; questions go to #{p.channel}.", ""]  # fmt: skip
        # Each fact of the product once per page, in a shuffled order; sections beyond them get none.
        facts = self.rng.sample(FACTS_BY_TOPIC.get(product, []), len(FACTS_BY_TOPIC.get(product, [])))
        for i, (title, commands) in enumerate(RUNBOOKS[product]):
            keywords = tuple(word.lower().rstrip("s") for word in title.split() if len(word) > 3)
            fact = facts[i] if i < len(facts) else None
            out += [
                f"## {title}",
                "",
                self.w.paragraph(product, 3, with_fact=False, fact=fact, prefer=keywords),
                "",
            ]
            if commands:
                out += ["```bash", *commands, "```", ""]
        out += ["## Contacts", "", self.contact_line(rel, owner), ""]
        self.pages[rel] = "\n".join(out)

    def team_page(self, team: str) -> None:
        rel = f"teams/{team_slug(team)}.md"
        members = self.ctx.company.team_members(team)
        led, at = self.ctx.ledger, self.where(rel)
        out = [
            front_matter(
                f"Team: {team}", self.author(rel, members[0]), ["team", team_slug(team)], self.day(2)
            )
        ]
        out += [f"# {team}", "", f"The {team} team {TEAMS[team]}.", "", "## Members", ""]
        out += ["| Name | Role | Email | Phone | Employee ID |", "| --- | --- | --- | --- | --- |"]
        for m in members:
            out.append(f"| {m.name} | {m.title} | {m.email} | {m.phone} | {m.employee_id} |")
            for type_, value in (("PERSON", m.name), ("EMAIL_ADDRESS", m.email), ("PHONE_NUMBER", m.phone),
                                 ("EMPLOYEE_ID", m.employee_id)):  # fmt: skip
                led.pii(type_, value, at)
        owned = [p for p in PRODUCTS if p.team == team]
        out += ["", "## What we own", ""]
        out += [f"- **{p.name}**: {p.kind}; it {p.summary}." for p in owned]
        out += ["", "## How we work", ""]
        for p in owned[:2]:
            out += [self.w.paragraph(p.name, 2), ""]
        self.pages[rel] = "\n".join(out)

    def postmortem(self, inc: Incident, leak: str | None) -> None:
        rel = f"postmortems/{inc.id.lower()}.md"
        led, at = self.ctx.ledger, self.where(rel)
        date = inc.start.date().isoformat()
        for p in [inc.commander, *inc.responders]:
            led.pii("PERSON", p.name, at)
        out = [front_matter(inc.title, inc.commander.name, ["postmortem", inc.service, inc.severity.lower()],
                            (inc.start + timedelta(days=3)).date().isoformat())]  # fmt: skip
        out += [f"# {inc.title}", "",
                f"**Severity:** {inc.severity} · **Date:** {date} · **Incident commander:** {inc.commander.name} · "
                f"**Duration:** {inc.minutes} minutes", "", "## Summary", "",
                f"For {inc.minutes} minutes the {inc.metric} of {inc.service} on {inc.cluster} was far above normal. "
                f"The cause: {inc.cause}. We {inc.fix}.", "", "## Timeline (UTC)", ""]  # fmt: skip
        out += [f"- {inc.at(m).strftime('%H:%M')} {event}" for m, event in inc.timeline()]
        out += [
            "",
            "## Root cause",
            "",
            f"{inc.cause[0].upper()}{inc.cause[1:]}. " + self.w.paragraph(inc.topic, 2),
            "",
        ]
        if leak == "ips":
            ips = [values.ipv4(self.rng) for _ in range(2)]
            for ip in ips:
                led.pii("IP_ADDRESS", ip, at)
            out += [
                f"The failing pods ran on nodes {ips[0]} and {ips[1]}, both in the same kiln-prod node pool.",
                "",
            ]
        if leak == "key":
            key = values.private_key(self.rng)
            led.secret("PRIVATE_KEY", key, at)
            out += ["While debugging, the deploy key of the node pool was pasted here; it has since been rotated "
                    "in Lockbox:", "", "```", key, "```", ""]  # fmt: skip
        out += ["## What went well", "", self.w.paragraph("Hearth", 2, with_fact=False), "",
                "## Action items", "", "| Action | Owner | Due |", "| --- | --- | --- |"]  # fmt: skip
        for person, action in zip(inc.responders, inc.actions(self.rng, len(inc.responders)), strict=True):
            due = (inc.start + timedelta(days=self.rng.randrange(7, 30))).date().isoformat()
            out.append(f"| {action} | {person.name} | {due} |")
        self.pages[rel] = "\n".join(out) + "\n"

    def meeting_notes(self, index: int) -> None:
        day = 1 + 7 * index + 1  # Tuesdays
        rel = f"meetings/smithy-{self.day(day)}.md"
        attendees = self.rng.sample(self.ctx.company.people, 5)
        for p in attendees:
            self.ctx.ledger.pii("PERSON", p.name, self.where(rel))
        out = [front_matter(f"Smithy notes {self.day(day)}", attendees[0].name, ["meeting", "smithy", "platform"],
                            self.day(day))]  # fmt: skip
        out += [
            f"# Smithy, {self.day(day)}",
            "",
            "Attendees: " + ", ".join(p.name for p in attendees),
            "",
            "## Agenda",
            "",
        ]
        topics = self.rng.sample([p.name for p in PRODUCTS], 3)
        for t in topics:
            out += [f"### {t}", "", self.w.paragraph(t, 2, with_fact=self.rng.random() < 0.6), ""]
        out += ["## Decisions", ""]
        out += [f"- {self.w.fact(self.rng.choice(['Anvil', 'Foundry', 'Lockbox'])).sentence}"]
        out += ["", "## Action items", ""]
        out += [f"- [ ] {p.first}: {self.w.sentence(self.w.topic())}" for p in attendees[1:4]]
        self.pages[rel] = "\n".join(out) + "\n"

    def adr(self, number: int, title: str, topic: str, context: str) -> None:
        rel = f"adr/{number:04d}-{title.lower().replace(' ', '-')}.md"
        out = [
            front_matter(
                f"ADR-{number:04d}: {title}",
                self.author(rel),
                ["adr", topic.lower()],
                self.day(5 + number * 6),
            )
        ]
        out += [f"# ADR-{number:04d}: {title}", "", "Status: accepted", "", "## Context", "", context + " "
                + self.w.paragraph(topic, 2, with_fact=False), "", "## Decision", "", self.w.paragraph(topic, 2), "",
                "## Consequences", "", self.w.paragraph(topic, 2, with_fact=False), ""]  # fmt: skip
        self.pages[rel] = "\n".join(out)

    def glossary(self) -> None:
        rel = "glossary.md"
        out = [front_matter("Acme glossary", self.author(rel), ["glossary", "onboarding"], self.day(3))]
        out += ["# Acme glossary", "", "Words you will hear in your first week.", ""]
        out += [f"- **{term}**: {meaning}." for term, meaning in JARGON.items()]
        out += ["", "## Products", ""] + [f"- **{p.name}**: {p.kind}; it {p.summary}." for p in PRODUCTS]
        out += ["", "## Facts everyone should know", ""] + [f"- {f.sentence}" for f in FACTS]
        self.pages[rel] = "\n".join(out) + "\n"

    def onboarding(self) -> None:
        rel = "onboarding/first-week.md"
        buddy = self.rng.choice(self.ctx.company.people)
        out = [front_matter("Your first week", self.author(rel), ["onboarding"], self.day(4))]
        out += [
            "# Your first week",
            "",
            "Welcome to Acme Robotics! This page walks you through your first days.",
            "",
        ]
        for day, topic in enumerate(["Tongs", "Gatehouse", "Anvil", "Foundry", "Hearth"], 1):
            out += [f"## Day {day}: {topic}", "", self.w.paragraph(topic, 2), ""]
        out += ["## Your buddy", "", self.contact_line(rel, buddy), ""]
        self.pages[rel] = "\n".join(out)

    def duplicates(self) -> None:
        """Plant one exact copy and near-duplicates at known edit rates; record them all."""
        led = self.ctx.ledger
        runbooks = sorted(p for p in self.pages if p.startswith("runbooks/"))
        exact_src = self.rng.choice(runbooks)
        exact_dst = "archive/" + exact_src.split("/")[1].replace(".md", "-old.md")
        self.pages[exact_dst] = self.pages[exact_src]
        self._copy_ledger(exact_src, exact_dst)
        led.pair("page", self.where(exact_src), self.where(exact_dst), 0.0, 1.0)
        candidates = [p for p in runbooks if p != exact_src] + sorted(
            p for p in self.pages if "postmortems/" in p
        )
        # The longest pages: on a short page a few edited words move the similarity a lot.
        candidates = sorted(candidates, key=lambda p: (-len(self.pages[p].split()), p))[:6]
        for rate, src in zip((0.03, 0.05, 0.15), self.rng.sample(candidates, 3), strict=True):
            dst = src.replace(".md", f"-draft-{int(rate * 100)}pct.md").replace("runbooks/", "drafts/")
            head, body = (
                self.pages[src][: -len(split_front_matter(self.pages[src]))],
                split_front_matter(self.pages[src]),
            )
            new_body = mutate(body, rate, self.rng)
            self.pages[dst] = head + new_body
            self._copy_ledger(src, dst)
            led.pair("page", self.where(src), self.where(dst), rate, similarity(body, new_body))

    def _copy_ledger(self, src: str, dst: str) -> None:
        """The copy carries the original's PII and secrets, where the edit left them intact."""
        text = self.pages[dst]
        for item in list(self.ctx.ledger.planted):
            if item.file == "wiki/" + src and item.value in text:
                self.ctx.ledger.add(item.category, item.type, item.value, self.where(dst))

    def build(self) -> dict[str, str]:
        for p in PRODUCTS:
            self.runbook(p.name)
        for team in TEAMS:
            self.team_page(team)
        leaks = ["key", "ips"] + [None] * (len(self.ctx.incidents) - 2)
        for inc, leak in zip(self.ctx.incidents, leaks, strict=True):
            self.postmortem(inc, leak)
        for i in range(4 * self.ctx.scale):
            self.meeting_notes(i)
        for n, (title, topic, context) in enumerate(ADRS, 1):
            self.adr(n, title, topic, context)
        self.glossary()
        self.onboarding()
        self.duplicates()
        for rel, text in self.pages.items():
            self.ctx.write("wiki/" + rel, text)
        return self.pages


def build_markdown(ctx: Context) -> dict[str, str]:
    return MarkdownWiki(ctx).build()
