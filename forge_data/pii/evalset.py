"""The labelled evaluation set: seeded samples across chat, wiki and code, with gold spans.

``generate(seed=...)`` fills the templates of :mod:`forge_data.pii.evaltemplates` with the
values of :mod:`forge_data.pii.evalvalues` and records the character span and entity type of
every personal value it inserted; ``planted_secrets(seed=...)`` does the same for secrets,
plus look-alikes that are not secrets. Tests and ``bench/pii_eval.py`` share it, so the
figures in ``bench/README.md`` and the regression tests measure the same thing.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from forge_data.config import DEFAULT_ENTITIES
from forge_data.pii import evaltemplates as tpl
from forge_data.pii import evalvalues as val

SLOT = re.compile(r"«([A-Z0-9_]+)(?::([a-z]))?»")

# Gold types of the personal entities (the company ones come from EVAL_COMPANY).
PERSONAL_TYPES = tuple(DEFAULT_ENTITIES)  # PERSON, EMAIL_ADDRESS, ..., STREET_ADDRESS, URL_CREDENTIALS
PATTERN_TYPES = ("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS", "US_SSN")
COMPANY_TYPES = ("EMPLOYEE_ID", "INTERNAL_HOSTNAME")
SECRET = "SECRET"  # gold type of every planted secret; any secret-type detection counts


@dataclass(frozen=True)
class GoldSpan:
    start: int
    end: int
    type: str


@dataclass
class Sample:
    id: str
    context: str  # chat | wiki | code
    kind: str  # the record kind the redactor is told: chat | doc | code
    language: str | None
    text: str
    spans: list[GoldSpan] = field(default_factory=list)

    def values(self) -> list[str]:
        return [self.text[s.start : s.end] for s in self.spans]


class _Filler:
    """Fills one sample's slots; people keep their names and e-mails across the sample."""

    def __init__(self, rng: random.Random, *, no_apostrophe: bool = False):
        self.rng = rng
        self.no_apostrophe = no_apostrophe
        self.people: dict[str, val.Person] = {}

    def person(self, ref: str) -> val.Person:
        if ref not in self.people:
            person = val.Person(self.rng, no_apostrophe=self.no_apostrophe)
            while any(p.first == person.first or p.last == person.last for p in self.people.values()):
                person = val.Person(self.rng, no_apostrophe=self.no_apostrophe)
            self.people[ref] = person
        return self.people[ref]

    def value(self, kind: str, ref: str | None) -> tuple[str, list[tuple[int, int, str]]]:
        """The text for one slot and the gold spans inside it (relative offsets)."""
        r = self.rng
        ref = ref or "_"
        simple = {
            "PHONE": (lambda: val.phone(r), "PHONE_NUMBER"),
            "CARD": (lambda: val.credit_card(r), "CREDIT_CARD"),
            "IBAN": (lambda: val.iban(r), "IBAN_CODE"),
            "IP": (lambda: val.ipv4(r), "IP_ADDRESS"),
            "IPV6": (lambda: val.ipv6(r), "IP_ADDRESS"),
            "ADDRESS": (lambda: val.street_address(r), "STREET_ADDRESS"),
            "EMPID": (lambda: val.employee_id(r), "EMPLOYEE_ID"),
            "HOST": (lambda: val.internal_host(r), "INTERNAL_HOSTNAME"),
        }
        if kind in simple:
            make, gold = simple[kind]
            text = make()
            return text, [(0, len(text), gold)]
        if kind in ("NAME", "FIRST", "LAST"):
            p = self.person(ref)
            text = {"NAME": p.full, "FIRST": p.first, "LAST": p.last}[kind]
            return text, [(0, len(text), "PERSON")]
        if kind in ("EMAIL", "PEMAIL"):
            p = self.person(ref)
            text = p.work_email if kind == "EMAIL" else p.personal_email
            return text, [(0, len(text), "EMAIL_ADDRESS")]
        if kind == "SSN":
            text, bare = val.ssn(r)
            if bare:  # undelimited SSNs are only recognisable, for people too, with a label
                return f"SSN {text}", [(4, 4 + len(text), "US_SSN")]
            return text, [(0, len(text), "US_SSN")]
        if kind == "URLCRED":
            user = r.choice(["app", "svc_billing", "admin", "deploy", val._plain(self.person("u").first)])
            return val.url_with_credentials(r, user)
        if kind.startswith("SECRET_"):
            name = kind[len("SECRET_") :]
            if name == "PRIVATE_KEY":
                text = val.private_key_block(r)
            elif name == "PRIVATE_KEY_JSON":
                text = val.private_key_block(r, newline="\\n")
            else:
                text = val.SECRET_MAKERS[name](r)
            return text, [(0, len(text), SECRET)]
        return self.filler(kind), []

    def filler(self, kind: str) -> str:
        r = self.rng
        first = val._plain(r.choice(val.FIRST_NAMES))
        last = val._plain(r.choice(val.LAST_NAMES))
        fillers = {
            "PRODUCT": lambda: r.choice(tpl.PRODUCTS),
            "PRODUCT_SLUG": lambda: r.choice(tpl.PRODUCTS).lower().replace(" ", "-"),
            "TEAM": lambda: r.choice(tpl.TEAMS),
            "CHANNEL": lambda: r.choice(tpl.CHANNELS),
            "TECH": lambda: r.choice(val.TECH),
            "VERSION": lambda: val.version(r),
            "TICKET": lambda: val.ticket(r),
            "SHA": lambda: val.git_sha(r),
            "UUID": lambda: val.uuid_like(r),
            "DATE": lambda: val.date(r),
            "TIME": lambda: val.clock(r),
            "NUM": lambda: str(r.randrange(2, 600)),
            # Identifiers that look like names: they must survive redaction untouched.
            "CLASSNAME": lambda: (
                f"{first.capitalize()}{r.choice(['Scheduler', 'Client', 'Router', 'Error'])}"
            ),
            "FUNCNAME": lambda: f"{r.choice(['notify', 'ask', 'sync', 'grant'])}_{first}",
            "VARNAME": lambda: f"{last}_{r.choice(['count', 'retries', 'total'])}",
            "JSFUNC": lambda: f"{r.choice(['notify', 'ask', 'score'])}{first.capitalize()}",
            "GOFUNC": lambda: f"Charge{first.capitalize()}",
        }
        if kind not in fillers:
            raise KeyError(f"unknown slot kind {kind!r}")
        return fillers[kind]()

    def fill(self, template: str, refs: dict[str, str] | None = None) -> tuple[str, list[GoldSpan]]:
        """Fill ``template``; ``refs`` maps the template's person refs to sample-wide ones."""
        out: list[str] = []
        spans: list[GoldSpan] = []
        pos = 0
        length = 0
        cache: dict[tuple[str, str], str] = {}
        for m in SLOT.finditer(template):
            literal = template[pos : m.start()]
            out.append(literal)
            length += len(literal)
            kind, ref = m.group(1), m.group(2)
            if ref and refs:
                ref = refs.get(ref, ref)
            if kind in ("CLASSNAME", "FUNCNAME", "VARNAME", "JSFUNC", "GOFUNC") and (kind, "") in cache:
                text, rel = cache[(kind, "")], []  # one identifier per file, used consistently
            else:
                text, rel = self.value(kind, ref)
                if kind in ("CLASSNAME", "FUNCNAME", "VARNAME", "JSFUNC", "GOFUNC"):
                    cache[(kind, "")] = text
            spans.extend(GoldSpan(length + s, length + e, t) for s, e, t in rel)
            out.append(text)
            length += len(text)
            pos = m.end()
        out.append(template[pos:])
        return "".join(out), spans


def _chat_sample(rng: random.Random, index: int) -> Sample:
    filler = _Filler(rng)
    participants = [f"p{i}" for i in range(rng.randrange(2, 5))]
    outsiders = ["o1", "o2", "o3"]
    speaker_format = rng.choice(tpl.CHAT_SPEAKER_FORMATS)
    lines: list[str] = []
    spans: list[GoldSpan] = []
    offset = 0
    for _ in range(rng.randrange(3, 8)):
        speaker = rng.choice(participants)
        others = [p for p in participants if p != speaker]
        third = rng.choice([p for p in participants + outsiders if p not in (speaker,)])
        refs = {
            "s": speaker,
            "x": rng.choice(others),
            "y": third,
            "z": rng.choice([o for o in outsiders if o != third]),
        }
        line_tpl = speaker_format.replace("{msg}", rng.choice(tpl.CHAT_MESSAGES))
        text, line_spans = filler.fill(line_tpl, refs)
        spans.extend(GoldSpan(offset + s.start, offset + s.end, s.type) for s in line_spans)
        lines.append(text)
        offset += len(text) + 1
    return Sample(f"chat-{index:05d}", "chat", "chat", None, "\n".join(lines), spans)


def _wiki_sample(rng: random.Random, index: int) -> Sample:
    filler = _Filler(rng)
    parts: list[str] = []
    spans: list[GoldSpan] = []
    offset = 0
    for section in rng.sample(tpl.WIKI_SECTIONS, rng.randrange(2, 5)):
        text, sec_spans = filler.fill(section)
        spans.extend(GoldSpan(offset + s.start, offset + s.end, s.type) for s in sec_spans)
        parts.append(text)
        offset += len(text) + 1
    return Sample(f"wiki-{index:05d}", "wiki", "doc", "markdown", "\n".join(parts), spans)


def _code_sample(rng: random.Random, index: int) -> Sample:
    language, template = rng.choice(tpl.CODE_FILES)
    filler = _Filler(rng, no_apostrophe=language == "sql")
    text, spans = filler.fill(template)
    return Sample(f"code-{index:05d}", "code", "code", language, text, spans)


def generate(n_chat: int = 200, n_wiki: int = 80, n_code: int = 120, *, seed: int = 0) -> list[Sample]:
    """The personal-data evaluation set; the same arguments always give the same samples."""
    rng = random.Random(seed)
    samples = [_chat_sample(rng, i) for i in range(n_chat)]
    samples += [_wiki_sample(rng, i) for i in range(n_wiki)]
    samples += [_code_sample(rng, i) for i in range(n_code)]
    return samples


def planted_secrets(copies: int = 3, *, seed: int = 0) -> list[Sample]:
    """Every secret template ``copies`` times with fresh values, then the look-alikes once each."""
    rng = random.Random(seed + 7919)
    samples: list[Sample] = []
    for c in range(copies):
        for i, (language, template) in enumerate(tpl.SECRET_FILES):
            text, spans = _Filler(rng).fill(template)
            kind = "chat" if language == "chat" else "code"
            samples.append(
                Sample(
                    f"secret-{c}-{i:03d}",
                    "code" if kind == "code" else "chat",
                    kind,
                    None if kind == "chat" else language,
                    text,
                    spans,
                )
            )
    for i, (language, template) in enumerate(tpl.SECRET_NEGATIVES):
        text, spans = _Filler(rng).fill(template)
        samples.append(Sample(f"secret-neg-{i:03d}", "code", "code", language, text, spans))
    return samples
