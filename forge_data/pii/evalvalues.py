"""Realistic values for the labelled evaluation set: people, contact data, payment data, secrets.

Every generator takes a seeded ``random.Random`` so the set is reproducible. Values are
well-formed the way real ones are (Luhn-valid cards, IBANs with correct check digits,
SSNs outside the never-issued ranges, phone numbers in real area codes), because a
detector is only trustworthy if it is measured on values it will meet in real data.
The detectors never see these lists: nothing in the recognizers is derived from them.
"""

from __future__ import annotations

import base64
import json
import random
import string

FIRST_NAMES = [
    # A spread of origins, lengths and spellings (hyphens, apostrophes, accents).
    "Priya",
    "Tomasz",
    "Aisha",
    "Carlos",
    "Mei",
    "Jonas",
    "Fatima",
    "Olusegun",
    "Ravi",
    "Erik",
    "Keiko",
    "Daniel",
    "Sofia",
    "Mateo",
    "Amara",
    "Liam",
    "Ingrid",
    "Hiroshi",
    "Zanele",
    "Diego",
    "Anika",
    "Yusuf",
    "Chloe",
    "Nikolai",
    "Leila",
    "Tariq",
    "Hannah",
    "Bongani",
    "Isabela",
    "Kwame",
    "Marta",
    "Sven",
    "Ananya",
    "Mohammed",
    "Elena",
    "Jae-won",
    "Lucía",
    "Oskar",
    "Nadia",
    "Emeka",
    "Rachel",
    "Thiago",
    "Ayesha",
    "Björn",
    "Camille",
    "Dmitri",
    "Esther",
    "Farah",
    "Gabriel",
    "Hyun",
    "Imani",
    "Javier",
    "Katarzyna",
    "Lars",
    "Maya",
    "Nkechi",
    "Omar",
    "Paulina",
    "Quentin",
    "Rosa",
    "Samir",
    "Tamsin",
    "Ugo",
    "Valentina",
    "Wei",
    "Ximena",
    "Yara",
    "Zoltan",
    "Beatriz",
    "Colm",
    "Deepa",
    "Elif",
    "Finn",
    "Gulnara",
    "Henrik",
    "Iris",
    "Jamal",
    "Kofi",
    "Lorenzo",
    "Malika",
    "Noor",
    "Orla",
    "Pavel",
    "Rania",
    "Siddharth",
    "Tove",
    "Uma",
    "Viktor",
    "Wanjiru",
    "Xavier",
    "Yosef",
    "Zainab",
    "Aleksander",
    "Brigid",
    "Chidi",
    "Dagny",
    "Emre",
    "Freya",
    "Gustavo",
    "Hamza",
    "Jean-Luc",
    "Aoife",
    "Thandiwe",
    "Rahul",
    "Svetlana",
    "Kenji",
    "Ngozi",
    "Ines",
    "Arjun",
    "Linnea",
]

LAST_NAMES = [
    "Raman",
    "Kowalski",
    "Bello",
    "Mendoza",
    "Lin",
    "Weber",
    "Al-Sayed",
    "Adeyemi",
    "Shankar",
    "Johansson",
    "Tanaka",
    "Okafor",
    "Rossi",
    "Fernández",
    "Nwosu",
    "O'Brien",
    "Lindqvist",
    "Nakamura",
    "Dlamini",
    "Herrera",
    "Gupta",
    "Demir",
    "Dubois",
    "Petrov",
    "Haddad",
    "Qureshi",
    "Schmidt",
    "Mahlangu",
    "Costa",
    "Mensah",
    "Nowak",
    "Berg",
    "Iyer",
    "Rahman",
    "Popescu",
    "Park",
    "García",
    "Nilsson",
    "Karimi",
    "Eze",
    "Goldberg",
    "Souza",
    "Siddiqui",
    "Andersson",
    "Lefèvre",
    "Volkov",
    "Cohen",
    "Mansour",
    "Moreau",
    "Choi",
    "Mwangi",
    "Castillo",
    "Wiśniewska",
    "Halvorsen",
    "Reddy",
    "Obi",
    "Hussein",
    "Zielińska",
    "Marchetti",
    "Ortega",
    "Bose",
    "Pemberton",
    "Ugwu",
    "Ricci",
    "Zhang",
    "Villanueva",
    "Haidari",
    "Szabo",
    "Carvalho",
    "Gallagher",
    "Nair",
    "Yilmaz",
    "Brennan",
    "Abdullayeva",
    "Christensen",
    "Van der Merwe",
    "Pillai",
    "Kaya",
    "MacLeod",
    "Osei",
    "Banerjee",
    "Fitzgerald",
    "Novák",
    "Sandoval",
    "Whitfield",
    "Achterberg",
    "Mbeki",
    "Lombardi",
    "Sato",
    "Kovacs",
    "Friedman",
    "Oyelaran",
    "De Luca",
    "Hakimi",
    "Sørensen",
    "Thompson",
    "Nguyen",
    "Abebe",
    "Rasmussen",
    "Chatterjee",
]

# Technical words, product and tool names that must NOT be redacted (measured as false positives).
TECH = [
    "Kubernetes",
    "Postgres",
    "Redis",
    "Kafka",
    "Terraform",
    "Grafana",
    "Prometheus",
    "Airflow",
    "Jenkins",
    "Elasticsearch",
    "RabbitMQ",
    "Nginx",
    "Vault",
    "Consul",
    "Helm",
    "Argo",
    "Sentry",
    "Datadog",
    "Spark",
    "Snowflake",
    "BigQuery",
    "Celery",
    "Django",
    "React",
    "GraphQL",
    "Envoy",
    "Istio",
    "Jira",
    "Confluence",
]

CITIES = [
    ("Springfield", "IL"),
    ("Portland", "OR"),
    ("Austin", "TX"),
    ("Madison", "WI"),
    ("Raleigh", "NC"),
    ("Boulder", "CO"),
    ("Tucson", "AZ"),
    ("Albany", "NY"),
    ("Savannah", "GA"),
    ("Eugene", "OR"),
    ("Ann Arbor", "MI"),
    ("Salt Lake City", "UT"),
    ("San Jose", "CA"),
    ("Des Moines", "IA"),
    ("Burlington", "VT"),
]
UK_TOWNS = [
    ("London", "NW1 6XE"),
    ("Manchester", "M1 1AE"),
    ("Leeds", "LS1 4DY"),
    ("Bristol", "BS1 5TR"),
    ("Edinburgh", "EH1 1YZ"),
    ("Cardiff", "CF10 1EP"),
]
STREET_NAMES = [
    "Maple",
    "Oak",
    "Washington",
    "Lincoln",
    "Cedar",
    "Pine",
    "Elm",
    "Lakeview",
    "Hillcrest",
    "Sunset",
    "Park",
    "Highland",
    "Riverside",
    "Martin Luther King Jr",
    "Willow",
    "Chestnut",
    "Franklin",
    "Jefferson",
    "Old Mill",
    "Meadowbrook",
    "5th",
    "42nd",
    "Church",
    "Station",
    "Victoria",
    "Baker",
    "Kings",
    "Orchard",
]
STREET_SUFFIXES = [
    "Street",
    "St",
    "St.",
    "Avenue",
    "Ave",
    "Ave.",
    "Road",
    "Rd",
    "Boulevard",
    "Blvd",
    "Lane",
    "Ln",
    "Drive",
    "Dr",
    "Court",
    "Ct",
    "Way",
    "Place",
    "Pl",
    "Terrace",
    "Parkway",
    "Circle",
]

US_AREA_CODES = [
    "212",
    "415",
    "312",
    "617",
    "206",
    "512",
    "303",
    "404",
    "202",
    "305",
    "213",
    "646",
    "702",
    "720",
    "773",
    "818",
    "858",
    "919",
    "971",
    "503",
]

EMAIL_DOMAINS = [
    "acme-corp.com",
    "gmail.com",
    "outlook.com",
    "yahoo.co.uk",
    "proton.me",
    "fastmail.fm",
    "mail.utoronto.ca",
    "web.de",
    "icloud.com",
    "globex.io",
]


def _plain(name: str) -> str:
    """ASCII-ish lower form for building e-mail local parts from a name."""
    table = str.maketrans("áàäâãåçéèëêíìïîñóòöôõøúùüûýšśźżłćńőűøØ", "aaaaaaceeeeiiiinoooooouuuuysszzlcnouoo")
    return "".join(c for c in name.lower().translate(table) if c.isalnum())


class Person:
    def __init__(self, rng: random.Random, *, no_apostrophe: bool = False):
        last_names = [n for n in LAST_NAMES if "'" not in n] if no_apostrophe else LAST_NAMES
        self.first = rng.choice(FIRST_NAMES)
        self.last = rng.choice(last_names)
        self.full = f"{self.first} {self.last}"
        first, last = _plain(self.first), _plain(self.last)
        style = rng.randrange(5)
        local = [
            f"{first}.{last}",
            f"{first[0]}{last}",
            f"{first}_{last}{rng.randrange(10, 99)}",
            f"{first}{last[0]}",
            f"{last}.{first}",
        ][style]
        self.work_email = f"{local}@{rng.choice(EMAIL_DOMAINS[:1] + EMAIL_DOMAINS[9:])}"
        self.personal_email = f"{first}{rng.choice(['', '.', '_'])}{last}{rng.randrange(1, 999)}@{rng.choice(EMAIL_DOMAINS[1:9])}"


def phone(rng: random.Random) -> str:
    area = rng.choice(US_AREA_CODES)
    exchange = f"{rng.randrange(2, 10)}{rng.randrange(0, 10)}{rng.randrange(0, 10)}"
    while exchange.endswith("11") or exchange == "555":
        exchange = f"{rng.randrange(2, 10)}{rng.randrange(0, 10)}{rng.randrange(0, 10)}"
    line = f"{rng.randrange(0, 10000):04d}"
    style = rng.randrange(10)
    if style <= 5:
        return [
            f"({area}) {exchange}-{line}",
            f"{area}-{exchange}-{line}",
            f"{area}.{exchange}.{line}",
            f"+1 {area} {exchange} {line}",
            f"+1-{area}-{exchange}-{line}",
            f"{area} {exchange} {line}",
        ][style]
    if style == 6:
        return f"+44 20 7{rng.randrange(100, 999)} {rng.randrange(1000, 9999)}"
    if style == 7:
        return f"+49 30 {rng.randrange(1000000, 9999999)}"
    if style == 8:
        return f"+91 {rng.choice('6789')}{rng.randrange(1000, 9999)} {rng.randrange(10000, 99999)}"
    return f"+33 1 {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}"


def _luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    digits = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return digits + str((10 - total % 10) % 10)


def credit_card(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        number = _luhn_complete("4", 16, rng)
    elif kind == 1:
        number = _luhn_complete(str(rng.randrange(51, 56)), 16, rng)
    elif kind == 2:  # Mastercard's 2-series BINs, issued since 2017
        number = _luhn_complete(str(rng.randrange(2221, 2721)), 16, rng)
    elif kind == 3:
        number = _luhn_complete(rng.choice(["34", "37"]), 15, rng)
        sep = rng.choice([" ", "-", ""])
        return sep.join([number[:4], number[4:10], number[10:]])
    elif kind == 4:
        number = _luhn_complete("6011", 16, rng)
    else:
        number = _luhn_complete("4", 16, rng)
    sep = rng.choice([" ", "-", ""])
    return sep.join(number[i : i + 4] for i in range(0, 16, 4))


_IBAN_FORMATS = {  # country: (length of BBAN, kinds of its characters: n digit, a upper letter)
    "DE": "n" * 18,
    "GB": "aaaa" + "n" * 14,
    "FR": "n" * 10 + "n" * 11 + "nn",
    "NL": "aaaa" + "n" * 10,
    "ES": "n" * 20,
    "IT": "a" + "n" * 10 + "n" * 12,
    "CH": "n" * 17,
    "BE": "n" * 12,
}


def iban(rng: random.Random) -> str:
    country = rng.choice(sorted(_IBAN_FORMATS))
    bban = "".join(
        rng.choice(string.ascii_uppercase) if k == "a" else str(rng.randrange(10))
        for k in _IBAN_FORMATS[country]
    )
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(numeric) % 97
    value = f"{country}{check:02d}{bban}"
    if rng.random() < 0.6:
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    return value


def ipv4(rng: random.Random) -> str:
    first = rng.choice([10, 172, 192, rng.randrange(11, 223)])
    if first == 192:
        return f"192.168.{rng.randrange(0, 255)}.{rng.randrange(1, 255)}"
    if first == 172:
        return f"172.{rng.randrange(16, 32)}.{rng.randrange(0, 255)}.{rng.randrange(1, 255)}"
    while first == 127:
        first = rng.randrange(11, 223)
    return f"{first}.{rng.randrange(0, 256)}.{rng.randrange(0, 256)}.{rng.randrange(1, 255)}"


def ipv6(rng: random.Random) -> str:
    groups = [f"{rng.randrange(0, 65536):x}" for _ in range(8)]
    groups[0] = rng.choice(["2001", "2a02", "2607", "fd12"])
    if rng.random() < 0.5:
        return ":".join(groups)
    return ":".join(groups[:3]) + "::" + ":".join(groups[6:])


def ssn(rng: random.Random) -> tuple[str, bool]:
    """An SSN in an issued range; the flag says whether it is written without separators."""
    area = rng.randrange(1, 900)
    while area == 666:
        area = rng.randrange(1, 900)
    group, serial = rng.randrange(1, 100), rng.randrange(1, 10000)
    style = rng.randrange(6)
    if style == 5:
        return f"{area:03d}{group:02d}{serial:04d}", True
    sep = "-" if style < 4 else " "
    return f"{area:03d}{sep}{group:02d}{sep}{serial:04d}", False


def street_address(rng: random.Random) -> str:
    if rng.random() < 0.2:
        town, postcode = rng.choice(UK_TOWNS)
        return f"{rng.randrange(1, 300)}{rng.choice(['', '', 'B'])} {rng.choice(STREET_NAMES)} {rng.choice(['Street', 'Road', 'Lane', 'Close', 'Gardens'])}, {town} {postcode}"
    number = rng.choice([rng.randrange(1, 100), rng.randrange(100, 9999), rng.randrange(10000, 99999)])
    direction = rng.choice(["", "", "", "N ", "South ", "W. "])
    street = f"{number} {direction}{rng.choice(STREET_NAMES)} {rng.choice(STREET_SUFFIXES)}"
    unit = rng.choice(
        [
            "",
            "",
            "",
            f", Apt {rng.randrange(1, 40)}{rng.choice('ABCD')}",
            f" Suite {rng.randrange(100, 999)}",
            f", Unit {rng.randrange(1, 30)}",
        ]
    )
    city, state = rng.choice(CITIES)
    tail = rng.choice(
        [
            f", {city}, {state} {rng.randrange(10000, 99999)}",
            f", {city}, {state} {rng.randrange(10000, 99999)}",
            f", {city} {state} {rng.randrange(10000, 99999)}",
            "",
        ]
    )
    return street + unit + tail


def password(rng: random.Random) -> str:
    """A human-made password: words, digits and a symbol; low entropy on purpose."""
    word = rng.choice(
        ["Summer", "hunter", "Dragon", "Passw0rd", "Welcome", "monkey", "Falcon", "Winter", "Coffee"]
    )
    return f"{word}{rng.randrange(1, 9999)}{rng.choice('!@#$%&*')}"


def random_token(
    rng: random.Random, length: int, alphabet: str = string.ascii_letters + string.digits
) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def url_with_credentials(rng: random.Random, user: str) -> tuple[str, list[tuple[int, int, str]]]:
    """A URL with user:password; returns it with the gold spans (user-info, and the host if an IP)."""
    scheme, host = rng.choice(
        [
            ("postgres", "db-primary.internal:5432/app"),
            ("postgresql", "10.0.3.17:5432/orders"),
            ("mysql", "mysql.prod.globex.io:3306/billing"),
            ("mongodb+srv", "cluster0.x7k2p.mongodb.net/test"),
            ("amqp", "rabbit.globex.io:5672/%2f"),
            ("https", "artifacts.globex.io/repository/pypi/simple"),
            ("redis", "cache-01.globex.io:6379/0"),
            ("ftp", "files.globex.io/incoming"),
        ]
    )
    userinfo = f"{user}:{password(rng) if rng.random() < 0.5 else random_token(rng, 16)}"
    if scheme == "redis" and rng.random() < 0.5:
        userinfo = f":{random_token(rng, 20)}"
    prefix = f"{scheme}://"
    spans = [(len(prefix), len(prefix) + len(userinfo), "URL_CREDENTIALS")]
    if host[0].isdigit():
        ip = host.split(":")[0]
        at = len(prefix) + len(userinfo) + 1
        spans.append((at, at + len(ip), "IP_ADDRESS"))
    return f"{prefix}{userinfo}@{host}", spans


def employee_id(rng: random.Random) -> str:
    return f"EMP-{rng.randrange(100000, 999999)}"


def internal_host(rng: random.Random) -> str:
    return f"{rng.choice(['build', 'ci', 'db', 'cache', 'api', 'vault', 'k8s-node'])}-{rng.randrange(1, 40):02d}.{rng.choice(['corp', 'prod', 'dev'])}.acme.internal"


# --- secrets -----------------------------------------------------------------------------------

B64 = string.ascii_letters + string.digits + "+/"
URLSAFE = string.ascii_letters + string.digits + "-_"


def _b64url_json(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


def jwt(rng: random.Random) -> str:
    header = _b64url_json({"alg": rng.choice(["HS256", "RS256"]), "typ": "JWT"})
    payload = _b64url_json(
        {
            "sub": str(rng.randrange(10**6, 10**7)),
            "iat": rng.randrange(1_600_000_000, 1_750_000_000),
            "scope": rng.choice(["read", "admin", "deploy"]),
        }
    )
    return f"{header}.{payload}.{random_token(rng, 43, URLSAFE)}"


def private_key_block(rng: random.Random, newline: str = "\n") -> str:
    kind = rng.choice(["RSA ", "EC ", "OPENSSH ", ""])
    body = newline.join(random_token(rng, 64, B64) for _ in range(rng.randrange(3, 7)))
    return f"-----BEGIN {kind}PRIVATE KEY-----{newline}{body}{newline}-----END {kind}PRIVATE KEY-----"


SECRET_MAKERS = {
    "AWS_ACCESS_KEY": lambda r: rng_prefix(r, "AKIA", 16, string.ascii_uppercase + string.digits),
    "AWS_SECRET_KEY": lambda r: random_token(r, 40, B64),
    "GCP_API_KEY": lambda r: "AIza" + random_token(r, 35, URLSAFE),
    "AZURE_STORAGE_KEY": lambda r: random_token(r, 86, B64) + "==",
    "GITHUB_TOKEN": lambda r: r.choice(["ghp_", "gho_", "ghs_"]) + random_token(r, 36),
    "GITHUB_PAT": lambda r: "github_pat_" + random_token(r, 22) + "_" + random_token(r, 59),
    "GITLAB_TOKEN": lambda r: "glpat-" + random_token(r, 20, URLSAFE),
    "SLACK_TOKEN": lambda r: (
        f"xox{r.choice('bp')}-{r.randrange(10**10, 10**11)}-{r.randrange(10**12, 10**13)}-{random_token(r, 24)}"
    ),
    "SLACK_WEBHOOK": lambda r: (
        f"https://hooks.slack.com/services/T{random_token(r, 8, string.ascii_uppercase + string.digits)}/B{random_token(r, 10, string.ascii_uppercase + string.digits)}/{random_token(r, 24)}"
    ),
    "STRIPE_KEY": lambda r: r.choice(["sk_live_", "rk_live_"]) + random_token(r, 24),
    "JWT": jwt,
    "HEX_SECRET": lambda r: random_token(r, 40, "0123456789abcdef"),
    "RANDOM_SECRET": lambda r: random_token(r, 32, string.ascii_letters + string.digits + "!#%*+-=_"),
    "PASSWORD": password,
}


def rng_prefix(rng: random.Random, prefix: str, length: int, alphabet: str) -> str:
    return prefix + random_token(rng, length, alphabet)


# Plausible non-PII fillers.
def version(rng: random.Random) -> str:
    return f"v{rng.randrange(1, 5)}.{rng.randrange(0, 30)}.{rng.randrange(0, 20)}"


def ticket(rng: random.Random) -> str:
    return f"{rng.choice(['OPS', 'PLAT', 'DATA', 'SEC'])}-{rng.randrange(100, 9999)}"


def git_sha(rng: random.Random) -> str:
    return random_token(rng, 40, "0123456789abcdef")


def uuid_like(rng: random.Random) -> str:
    h = random_token(rng, 32, "0123456789abcdef")
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def date(rng: random.Random) -> str:
    return f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"


def clock(rng: random.Random) -> str:
    return f"{rng.randrange(0, 24):02d}:{rng.randrange(0, 60):02d}"
