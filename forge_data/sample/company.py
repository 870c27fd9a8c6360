"""Acme Robotics: the invented company behind the sample corpus.

Everything that names a product, a team, a piece of jargon or a fact lives here, so code, wiki,
chat and mail use one vocabulary and the acceptance tests can ask about facts that really recur
across the corpus. People are drawn from the seed; the company itself is fixed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

COMPANY = "Acme Robotics"
DOMAIN = "acme-robotics.com"  # a real public suffix, so e-mail recognizers accept the addresses
INTERNAL_DOMAIN = "acme.internal"


@dataclass(frozen=True)
class Product:
    name: str
    kind: str
    team: str
    summary: str
    channel: str


PRODUCTS = [
    Product("Anvil", "deploy tool", "Platform", "ships services to the kiln clusters", "anvil-help"),
    Product("Foundry", "data platform", "Data Infrastructure", "stores datasets and ingots", "foundry"),
    Product("Tongs", "internal CLI", "Developer Experience", "wraps every internal tool", "tongs-dev"),
    Product("Crucible", "CI system", "Platform", "builds and tests every commit", "crucible"),
    Product("Bellows", "metrics and dashboards", "SRE", "collects metrics and draws dashboards", "bellows"),
    Product("Hearth", "paging and incident tool", "SRE", "pages the on-call engineer", "incidents"),
    Product("Lockbox", "secret store", "Security", "keeps every credential", "security"),
    Product(
        "Gatehouse", "single sign-on service", "Security", "signs people in to internal tools", "security"
    ),
    Product(
        "Sprocket", "autonomous mobile robot", "Fleet Software", "moves totes around warehouses", "fleet"
    ),
    Product(
        "Fleetwise", "customer fleet console", "Fleet Software", "lets customers watch their robots", "fleet"
    ),
]

TEAMS = {
    "Platform": "owns Anvil and Crucible and the kiln clusters",
    "Data Infrastructure": "owns Foundry, its pipelines and the slag queue",
    "Developer Experience": "owns Tongs and the onboarding docs",
    "SRE": "owns Bellows, Hearth and the on-call rotation",
    "Security": "owns Lockbox and Gatehouse",
    "Fleet Software": "owns Sprocket firmware and the Fleetwise console",
}

# Jargon: term -> meaning. The corpus uses the term; the glossary page defines it.
JARGON = {
    "spark": "a canary deploy that sends 5% of traffic to the new version",
    "temper": "the 20 minutes Anvil waits after a spark before promoting",
    "quench": "a rollback to the previous billet",
    "billet": "a build artifact produced by Crucible",
    "ingot": "an immutable snapshot of a Foundry dataset",
    "slag queue": "where failed Foundry jobs are parked for replay",
    "kiln-prod": "the production Kubernetes cluster",
    "kiln-staging": "the staging Kubernetes cluster",
    "cold Friday": "the deploy freeze that starts every Friday at 14:00",
    "smithy": "the Platform team's weekly review",
}

SERVICES = ["foundry-api", "anvil-server", "hearth-pager", "bellows-web", "fleet-gateway", "gatehouse"]
ENVIRONMENTS = ["staging", "prod"]


@dataclass(frozen=True)
class Fact:
    """One fact that recurs across the corpus, phrased so a completion prompt can test it."""

    key: str
    prompt: str  # the sentence start, exactly as it appears in the corpus
    completion: str  # what follows the prompt in the corpus
    required: tuple[str, ...]  # what a correct completion must contain (case-insensitive)
    question: str  # the same fact asked as a question (chat, GRPO, DPO)
    wrong: str  # a plausible wrong answer (DPO rejected)
    forbidden: tuple[str, ...] = ()
    topic: str = ""  # the product it belongs to

    @property
    def sentence(self) -> str:
        return f"{self.prompt} {self.completion}"


_SECRET_PREFIXES = ("AKIA", "ghp_", "xoxb-")

FACTS = [
    Fact(
        "deploy",
        "To deploy a service with Anvil, run",
        "`anvil ship <service> --env staging`, wait for the temper, then repeat with `--env prod`.",
        ("anvil ship",),
        "How do I deploy a service?",
        "Run `kubectl apply -f deploy.yaml` against the prod cluster directly.",
        ("kubectl apply",),
        "Anvil",
    ),
    Fact(
        "rollback",
        "To roll back a bad deploy, run",
        "`anvil quench <service>`; it restores the previous billet in under a minute.",
        ("anvil quench",),
        "How do I roll back a bad deploy?",
        "Revert the commit and wait for the next nightly build.",
        ("nightly build",),
        "Anvil",
    ),
    Fact(
        "login",
        "To log in to internal tools, run",
        "`tongs login`, which opens Gatehouse in your browser.",
        ("tongs login",),
        "How do I log in to the internal tools?",
        "Ask someone on your team to share their session cookie.",
        ("session cookie",),
        "Tongs",
    ),
    Fact(
        "ingot",
        "An immutable snapshot of a Foundry dataset is called an",
        "ingot; ingots are kept for 90 days.",
        ("ingot",),
        "What is an immutable Foundry snapshot called?",
        "A backup; Foundry does not keep snapshots.",
        (),
        "Foundry",
    ),
    Fact(
        "spark",
        "A canary deploy at Acme Robotics is called a",
        "spark, and a spark sends 5% of traffic to the new version.",
        ("spark",),
        "What do we call a canary deploy?",
        "A blue-green switch of all traffic at once.",
        ("blue-green",),
        "Anvil",
    ),
    Fact(
        "billet",
        "Build artifacts produced by Crucible are called",
        "billets, and Anvil only ships billets that passed Crucible.",
        ("billet",),
        "What are Crucible build artifacts called?",
        "Wheels; we upload them by hand.",
        (),
        "Crucible",
    ),
    Fact(
        "slag",
        "Failed Foundry jobs are moved to the",
        "slag queue, where `tongs foundry replay` can retry them.",
        ("slag queue",),
        "Where do failed Foundry jobs go?",
        "They are deleted after three retries.",
        (),
        "Foundry",
    ),
    Fact(
        "secrets",
        "Secrets must be stored in",
        "Lockbox and fetched with `tongs lockbox get <path>`; never paste them in chat or commit them.",
        ("Lockbox",),
        "Where should I keep an API key for my service?",
        "Put it in the repo config so everyone has it, for example aws_access_key_id = {aws_key}.",
        _SECRET_PREFIXES,
        "Lockbox",
    ),
    Fact(
        "paging",
        "Pages and incidents are handled in",
        "Hearth, which pages the on-call engineer and opens an INC ticket.",
        ("Hearth",),
        "Which tool pages the on-call engineer?",
        "Email the whole engineering list and hope someone answers.",
        (),
        "Hearth",
    ),
    Fact(
        "dashboards",
        "Dashboards and metrics live in",
        "Bellows; every service gets a default Bellows board from Anvil.",
        ("Bellows",),
        "Where are the service dashboards?",
        "In a spreadsheet that SRE updates weekly.",
        ("spreadsheet",),
        "Bellows",
    ),
    Fact(
        "freeze",
        "The deploy freeze starts every Friday at",
        "14:00 Pacific; we call it cold Friday.",
        ("14:00",),
        "When does the deploy freeze start?",
        "There is no freeze; deploy whenever you like.",
        (),
        "Anvil",
    ),
    Fact(
        "temper",
        "After a spark, Anvil waits for a temper of",
        "20 minutes before it promotes the new version.",
        ("20 minutes",),
        "How long does Anvil wait after a spark?",
        "It promotes immediately.",
        (),
        "Anvil",
    ),
    Fact(
        "anvil-config",
        "Anvil reads service settings from",
        "`anvil.yaml` in the root of the service repository.",
        ("anvil.yaml",),
        "Where does Anvil read a service's settings from?",
        "From environment variables set by hand on each node.",
        (),
        "Anvil",
    ),
    Fact(
        "dataset",
        "To create a new Foundry dataset, run",
        "`tongs foundry create <name> --owner <team>`.",
        ("tongs foundry create",),
        "How do I create a new Foundry dataset?",
        "Email the data team a CSV file.",
        (),
        "Foundry",
    ),
    Fact(
        "cluster",
        "The production Kubernetes cluster is called",
        "kiln-prod, and staging runs on kiln-staging.",
        ("kiln-prod",),
        "What is the production cluster called?",
        "prod-cluster-1.",
        (),
        "Anvil",
    ),
    Fact(
        "lockbox-get",
        "To fetch a secret from Lockbox, run",
        "`tongs lockbox get <path>`; the value is never printed to logs.",
        ("tongs lockbox get",),
        "How do I read a secret from Lockbox?",
        "Look it up in the #security channel history.",
        _SECRET_PREFIXES,
        "Lockbox",
    ),
    Fact(
        "ci",
        "CI pipelines are defined in",
        "`crucible.yml` next to the code they build.",
        ("crucible.yml",),
        "Where are CI pipelines defined?",
        "In a Jenkins job configured through the web UI.",
        ("Jenkins",),
        "Crucible",
    ),
    Fact(
        "sso",
        "Single sign-on for internal tools goes through",
        "Gatehouse, and `tongs login` refreshes your Gatehouse token.",
        ("Gatehouse",),
        "What handles single sign-on for internal tools?",
        "Each tool has its own password.",
        (),
        "Gatehouse",
    ),
    Fact(
        "foundry-api",
        "The Foundry API is served at",
        "https://foundry-api.acme.internal/v2 behind Gatehouse.",
        ("foundry-api.acme.internal",),
        "What is the Foundry API address?",
        "http://localhost:8080.",
        (),
        "Foundry",
    ),
    Fact(
        "doctor",
        "To check your local setup, run",
        "`tongs doctor`; it checks your Gatehouse token, your kiln access and your Lockbox permissions.",
        ("tongs doctor",),
        "How do I check that my laptop is set up correctly?",
        "Reinstall everything from scratch.",
        (),
        "Tongs",
    ),
    Fact(
        "sev1",
        "A SEV1 page must be acknowledged in Hearth within",
        "10 minutes, or Hearth escalates to the secondary on-call.",
        ("10 minutes",),
        "How fast must a SEV1 page be acknowledged?",
        "By the next business day.",
        (),
        "Hearth",
    ),
]

FACTS_BY_TOPIC: dict[str, list[Fact]] = {}
for _fact in FACTS:
    FACTS_BY_TOPIC.setdefault(_fact.topic, []).append(_fact)


def glossary() -> list[str]:
    """The company terms a model trained on this corpus should use."""
    terms = [COMPANY] + [p.name for p in PRODUCTS] + list(TEAMS) + list(JARGON)
    return terms + ["anvil.yaml", "crucible.yml", "tongs login", "anvil ship", "anvil quench"]


# --- people --------------------------------------------------------------------------------

FIRST = [
    "Dana", "Priya", "Marcus", "Elena", "Tomás", "Aisha", "Kenji", "Sofia", "Liam", "Noor",
    "Grace", "Mateo", "Hannah", "Ravi", "Chloé", "Oskar", "Fatima", "Jonas", "Mei", "Daniel",
    "Amara", "Lukas", "Ines", "Samuel", "Yuki", "Nadia", "Caleb", "Zoë", "Arjun", "Maren",
]  # fmt: skip
LAST = [
    "Whitfield", "Raman", "Okafor", "Petrova", "Alvarez", "Haddad", "Tanaka", "Rossi", "Brennan",
    "Qureshi", "Lindqvist", "Moreau", "Kowalski", "Nakamura", "Fischer", "Osei", "Castillo",
    "Varga", "Adeyemi", "Sørensen", "Chen", "Dubois", "Mensah", "Holloway", "Iyer", "Novak",
]  # fmt: skip
TITLES = ["Staff Engineer", "Senior Engineer", "Engineer", "Engineering Manager", "SRE", "Data Engineer"]
AREA_CODES = ["415", "206", "312", "617", "512", "303", "646", "213"]
CUSTOMERS = [
    ("Globex Logistics", "globex-logistics.com"),
    ("Initech Warehousing", "initech-wh.com"),
    ("Umbrella Fulfilment", "umbrella-fulfilment.co.uk"),
    ("Vandelay Imports", "vandelay-imports.com"),
]


def ascii_name(name: str) -> str:
    table = str.maketrans({"á": "a", "é": "e", "ë": "e", "ø": "o", "ö": "o", "ü": "u", "ñ": "n"})
    return name.translate(table).lower()


@dataclass
class Person:
    name: str
    email: str
    handle: str
    user_id: str
    employee_id: str
    phone: str
    team: str
    title: str
    tz: str
    external: bool = False
    org: str = COMPANY

    @property
    def first(self) -> str:
        return self.name.split()[0]


def phone(rng: random.Random) -> str:
    # 555-0100..0199 is reserved for fiction, yet libphonenumber (and so Presidio) accepts it.
    return f"({rng.choice(AREA_CODES)}) 555-01{rng.randrange(100):02d}"


def make_people(rng: random.Random, count: int = 24) -> list[Person]:
    """Employees with unique names, Slack ids and employee ids, spread over the teams."""
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name not in names and name.split()[0] not in {n.split()[0] for n in names}:
            names.append(name)
    teams = list(TEAMS)
    people, used_ids = [], set()
    for i, name in enumerate(names):
        first, last = (ascii_name(p) for p in name.split())
        emp = f"EMP-{rng.randrange(100000, 999999)}"
        while emp in used_ids:
            emp = f"EMP-{rng.randrange(100000, 999999)}"
        used_ids.add(emp)
        uid = "U0" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(8))
        people.append(
            Person(
                name=name,
                email=f"{first}.{last}@{DOMAIN}",
                handle=f"{first}.{last}",
                user_id=uid,
                employee_id=emp,
                phone=phone(rng),
                team=teams[i % len(teams)],
                title=rng.choice(TITLES),
                tz=rng.choice(["America/Los_Angeles", "America/New_York", "Europe/Berlin", "Europe/London"]),
            )
        )
    return people


def make_customers(rng: random.Random, per_org: int = 2) -> list[Person]:
    """Contacts at customer companies (they write to support by e-mail)."""
    out = []
    for org, domain in CUSTOMERS:
        for _ in range(per_org):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            out.append(
                Person(
                    name=f"{first} {last}",
                    email=f"{ascii_name(first)[0]}{ascii_name(last)}@{domain}",
                    handle=f"{ascii_name(first)}.{ascii_name(last)}",
                    user_id="",
                    employee_id="",
                    phone=phone(rng),
                    team="",
                    title=rng.choice(["Operations Manager", "Warehouse Lead", "IT Director"]),
                    tz="America/Chicago",
                    external=True,
                    org=org,
                )
            )
    return out


@dataclass
class Company:
    """The seeded cast: who works here, who the customers are, and the fixed vocabulary."""

    people: list[Person]
    customers: list[Person]
    products: list[Product] = field(default_factory=lambda: list(PRODUCTS))

    def team_members(self, team: str) -> list[Person]:
        return [p for p in self.people if p.team == team]

    def product(self, name: str) -> Product:
        return next(p for p in self.products if p.name == name)


def make_company(rng: random.Random, scale: int = 1) -> Company:
    # First names stay unique (chat refers to people by first name), which caps the head count.
    return Company(people=make_people(rng, min(18 + 6 * scale, len(FIRST))), customers=make_customers(rng))
