"""Templates for the labelled evaluation set: chat messages, wiki sections, code files, planted secrets.

Slots are written «KIND» or «KIND:ref» (guillemets, so code braces need no escaping). A ref
names a person within one sample, so «FIRST:x» and «EMAIL:x» belong to the same person.
In chat messages ``s`` is the speaker, ``x`` someone in the thread, ``y``/``z`` anyone.
Templates also carry things that must survive redaction: product and team names (the
company allow-list), tool names, versions, ticket ids, hashes, and code identifiers that
look like names.
"""

from __future__ import annotations

CHAT_MESSAGES = [
    "Hi «FIRST:x», can you take a look at the «PRODUCT» rollout when you get a sec?",
    "thanks «FIRST:x»! that fixed it",
    "Thanks «FIRST:x», merged.",
    "@«NAME:x» could you review my PR for the «TECH» upgrade?",
    "ping «FIRST:y» about the flaky test in «TECH»",
    "«FIRST:y» is out today, «FIRST:x» is covering on-call",
    "I talked to «NAME:y» from «TEAM», they're fine with the schema change",
    "can you send the signed contract to «EMAIL:y»?",
    "my number is «PHONE» if the bridge drops",
    "call me at «PHONE», I'm driving",
    "Card on file for the vendor is «CARD», exp 09/27. Please update the billing portal",
    "Refund goes to IBAN «IBAN» (account holder «NAME:y»)",
    "the box at «IP» is unreachable again",
    "prod db moved to «IP», update your ssh config",
    "HR asked for my SSN on the form, it's «SSN», is email really ok for that?",
    "Shipping address for the hardware: «ADDRESS»",
    "«FIRST:y» moved, new address is «ADDRESS»",
    "use «URLCRED» for the staging db until the vault path is fixed",
    "«EMPID» is «FIRST:y»'s employee id, needed for the badge request",
    "ssh into «HOST» and restart the worker",
    "Welcome «NAME:y» to «TEAM»! 🎉",
    "cc «NAME:y» «NAME:z»",
    "Congrats «FIRST:x» on the promotion!",
    "«FIRST:x» and «FIRST:y» are pairing on the «PRODUCT» migration this week",
    "Can someone ask «FIRST:y» whether the «TECH» upgrade is still blocked?",
    "sorry, «FIRST:y»'s laptop died, back online tomorrow",
    "lol yes",
    "deploy «VERSION» is rolling out, watching the «TECH» dashboards",
    "the retry budget is «NUM» and the timeout «NUM»s",
    "Build «TICKET» failed on «TECH» again, looks like a timeout",
    "reach «NAME:y» at «EMAIL:y» or «PHONE»",
    "Dr. «LAST:y» from the occupational health clinic called back",
    "Meeting notes, attendees: «NAME:s», «NAME:x», «NAME:y»",
    "+1 to what «FIRST:x» said",
    "«FIRST:x», did «TEAM» sign off on «PRODUCT» 2.0?",
    "okay «FIRST:x» I'll pick it up after standup",
    "my personal email is «PEMAIL:s», work mail is broken",
    "The wire came from «IBAN», can finance confirm?",
    "server list: «IP», «IP», «IPV6»",
    "Hey «FIRST:x»! Quick q: is «HOST» behind the VPN?",
    "FYI «NAME:y» left the company, please reassign «TICKET»",
    "thank you «NAME:x» for the quick turnaround",
    "I've pinged «FIRST:y» «LAST:y» in #«CHANNEL»",
    "Ms. «LAST:y» approved the budget for «PRODUCT»",
    "looks like «SHA» broke the build, reverting",
    "request id «UUID» shows the 502 came from «TECH»",
    "«PRODUCT» and «TEAM» are both on the agenda for «DATE»",
    "Who owns «TECH» now that «FIRST:y» moved teams?",
    "Please add «NAME:y» («EMAIL:y») to the «PRODUCT» beta list",
    "the customer's card «CARD» was declined twice",
    "SSN «SSN» belongs to the contractor, please remove it from the ticket",
    "ipv6 for the bastion is «IPV6»",
    "standup moved to «TIME», «FIRST:x» can you update the invite?",
    "can you forward this to «FIRST:y»? she knows the «TECH» setup",
    "ok",
    "i'll ask «FIRST:y» tomorrow",
]

CHAT_SPEAKER_FORMATS = [
    "«NAME:s»: {msg}",
    "[«TIME»] «NAME:s»: {msg}",
    "«FIRST:s»: {msg}",
    "{msg}",
]

WIKI_SECTIONS = [
    "# «PRODUCT» on-call runbook\n\nOwner: «NAME:a» («EMAIL:a»)\nBackup: «NAME:b»\n\n"
    "If «TECH» alerts fire after hours, page «FIRST:a» on «PHONE». If there is no answer within "
    "ten minutes, escalate to «FIRST:b».\n",
    "## Team contacts\n\n| Name | Role | Phone |\n|---|---|---|\n| «NAME:a» | Tech lead | «PHONE» |\n"
    "| «NAME:b» | SRE | «PHONE» |\n| «NAME:c» | Product | «PHONE» |\n",
    "## Hosts\n\n- `«HOST»`: build runner, IP «IP»\n- `«HOST»`: cache, IP «IP»\n",
    "## Vendor payments\n\nPay invoices to «IBAN». Questions about remittance go to «NAME:c» in finance "
    "(«EMAIL:c»).\n",
    "## Office\n\nOur office is at «ADDRESS». Deliveries go to reception; ask for «FIRST:b».\n",
    "# Meeting notes «DATE»\n\nAttendees: «NAME:a», «NAME:b», «NAME:c»\n\n- «FIRST:a» to follow up with "
    "«TEAM» on «PRODUCT» latency\n- «FIRST:b» will update the «TECH» dashboard\n- «FIRST:c» owns the "
    "migration plan\n",
    "## Onboarding\n\nAsk «NAME:a» for access to «PRODUCT». Your employee id (for example «EMPID») is "
    "printed on your badge.\n",
    "## Local database\n\nConnection string for local development:\n\n```\n«URLCRED»\n```\n",
    "_Written by «NAME:a», last reviewed by «NAME:b» on «DATE»._\n",
    "## Incident «DATE»\n\n«NAME:a» noticed elevated 5xx rates on «HOST» at «TIME». «FIRST:b» rolled "
    "back to «VERSION» and «FIRST:a» opened «TICKET» for the follow-up.\n",
    "## Architecture\n\n«PRODUCT» uses «TECH» for queues and «TECH» for storage. Requests are "
    "authenticated at the edge and traced with «TECH». See «TICKET» for the capacity plan.\n",
    "## Expense policy\n\nThe corporate card «CARD» is for travel only. Contact «NAME:c» for exceptions.\n",
    "## Payroll corrections\n\nEmployee «EMPID» («NAME:a», SSN «SSN») was paid twice in «DATE»; "
    "finance will claw back the second payment.\n",
    "## Customer escalation\n\n«NAME:c» (phone «PHONE», «EMAIL:c») reported that invoices from «PRODUCT» "
    "list the wrong billing address. Their address on file is «ADDRESS».\n",
    "## Network\n\nThe VPN gateway answers on «IP» and «IPV6». «TEAM» owns the firewall rules.\n",
    "## Release checklist\n\n1. Bump to «VERSION».\n2. Run the «TECH» migration.\n3. Tell «TEAM» in "
    "#«CHANNEL».\n4. «FIRST:a» signs off.\n",
    "## Glossary\n\n**«PRODUCT»**: the customer-facing assistant. **«TEAM»**: the platform team that "
    "runs «TECH» and «TECH».\n",
    "## Support rota\n\nThis week: «NAME:a». Next week: «NAME:b». Swap requests go to Mr. «LAST:c».\n",
]

# Code files. ``lang`` picks a comment and string syntax; python ones must parse before and after.
CODE_FILES = [
    (
        "python",
        "# Author: «NAME:a» <«EMAIL:a»>\n"
        "# TODO(«FIRST:b»): drop this once «PRODUCT» 2.0 ships\n"
        "import logging\n\n"
        "log = logging.getLogger(__name__)\n\n\n"
        "class «CLASSNAME»:\n"
        '    """Sends weekly digests. Ask «NAME:b» before changing the schedule."""\n\n'
        "    def __init__(self, «VARNAME»: int = 3):\n"
        "        self.«VARNAME» = «VARNAME»\n"
        '        self.owner = "«NAME:c»"\n'
        '        self.support_email = "«EMAIL:c»"\n\n'
        "    def «FUNCNAME»(self, recipients):\n"
        "        # «FIRST:c» asked for a retry here after the outage\n"
        "        return [r for r in recipients if r]\n",
    ),
    (
        "python",
        '"""Fixtures for the billing tests. Data supplied by «NAME:a»."""\n\n'
        "CUSTOMER = {\n"
        '    "name": "«NAME:b»",\n'
        '    "email": "«EMAIL:b»",\n'
        '    "phone": "«PHONE»",\n'
        '    "card": "«CARD»",\n'
        '    "iban": "«IBAN»",\n'
        '    "address": "«ADDRESS»",\n'
        "}\n\n\n"
        "def «FUNCNAME»(customer=CUSTOMER):\n"
        "    # keep in sync with «PRODUCT»'s schema («TICKET»)\n"
        '    return customer["name"].split()[0]\n',
    ),
    (
        "python",
        "import os\n\n"
        "# Connection for the nightly export; «FIRST:a» rotates it.\n"
        'EXPORT_URL = os.environ.get("EXPORT_URL", "«URLCRED»")\n'
        'ALLOWED_HOSTS = ["«HOST»", "«IP»"]\n\n\n'
        "def «FUNCNAME»(«VARNAME»):\n"
        "    return «VARNAME» * 2\n\n\n"
        "class «CLASSNAME»(Exception):\n"
        "    pass\n",
    ),
    (
        "python",
        "from dataclasses import dataclass\n\n\n"
        "@dataclass\n"
        "class Employee:\n"
        "    employee_id: str\n"
        "    name: str\n"
        "    ssn: str\n\n\n"
        "# Sample row from the HR export, do not commit real ones (said «FIRST:a»)\n"
        'SAMPLE = Employee("«EMPID»", "«NAME:b»", "«SSN»")\n'
        "«VARNAME» = len(SAMPLE.name)\n",
    ),
    (
        "javascript",
        "// Contact «NAME:a» before changing the retry policy\n"
        "const config = {\n"
        '  owner: "«NAME:b»",\n'
        '  alertPhone: "«PHONE»",\n'
        '  dbUrl: "«URLCRED»",\n'
        '  upstream: "«IP»",\n'
        "};\n\n"
        "function «JSFUNC»(x) {\n"
        "  /* «FIRST:b» says this doubles on purpose */\n"
        "  return x * 2;\n"
        "}\n\n"
        "module.exports = { config, «JSFUNC» };\n",
    ),
    (
        "go",
        "// Package billing is maintained by «NAME:a».\n"
        "package billing\n\n"
        'const supportEmail = "«EMAIL:b»"\n\n'
        "// TODO(«FIRST:c»): move to config\n"
        'var fallbackIP = "«IP»"\n\n'
        "func «GOFUNC»(amount int) int { return amount }\n",
    ),
    (
        "yaml",
        "service: «PRODUCT_SLUG»\n"
        "owner: «NAME:a»\n"
        "oncall_email: «EMAIL:a»\n"
        'escalation_phone: "«PHONE»"\n'
        "hosts:\n"
        "  - «HOST»\n"
        "  - «IP»\n"
        "notes: ask «FIRST:b» before scaling down\n",
    ),
    (
        "sql",
        "-- Backfill requested by «NAME:a» («TICKET»)\n"
        "INSERT INTO customers (name, email, phone)\n"
        "VALUES ('«NAME:b»', '«EMAIL:b»', '«PHONE»');\n"
        "UPDATE accounts SET iban = '«IBAN»' WHERE owner_id = «NUM»;\n",
    ),
    (
        "shell",
        "#!/bin/sh\n"
        "# deploy script, ask «FIRST:a» if this breaks\n"
        'export DB_URL="«URLCRED»"\n'
        'ssh deploy@«HOST» "systemctl restart worker"\n'
        'echo "deployed by «NAME:b»"\n',
    ),
    (
        "python",
        "def «FUNCNAME»(rows):\n"
        '    """Group rows by owner.\n\n'
        "    Example: rows owned by «NAME:a» («EMAIL:a») end up under the same key.\n"
        '    """\n'
        "    out = {}\n"
        "    for row in rows:\n"
        '        out.setdefault(row["owner"], []).append(row)\n'
        "    return out\n\n\n"
        "«VARNAME» = «FUNCNAME»([])\n"
        "# «CLASSNAME» is unrelated to any person; it is a scheduler.\n",
    ),
    (
        "java",
        "/**\n"
        " * Payment client.\n"
        " * @author «NAME:a»\n"
        " */\n"
        "public class «CLASSNAME» {\n"
        '    private static final String SUPPORT = "«EMAIL:b»";\n'
        '    private static final String TEST_CARD = "«CARD»";\n\n'
        "    public int «JSFUNC»(int x) { return x + 1; }\n"
        "}\n",
    ),
]

PRODUCTS = ["Helix", "Sherlock", "Ada Assistant", "Atlas Console", "Jarvis"]
TEAMS = ["Team Falcon", "Team Osprey", "Platform Guild"]
CHANNELS = ["platform", "incidents", "helix-dev", "random"]

# The company configuration the evaluation runs under: its allow-list, employee ids and domains.
EVAL_COMPANY = {
    "allow_list": PRODUCTS + TEAMS,
    "recognizers": [
        {"name": "employee_id", "entity": "EMPLOYEE_ID", "patterns": [r"\bEMP-\d{6}\b"], "score": 0.9},
    ],
    "internal_domains": ["acme.internal"],
}

# --- planted secrets ---------------------------------------------------------------------------
# «SECRET_<KIND>» slots are secrets; everything else in these files is not.

SECRET_FILES = [
    (
        "python",
        'AWS_ACCESS_KEY_ID = "«SECRET_AWS_ACCESS_KEY»"\naws_secret_access_key = "«SECRET_AWS_SECRET_KEY»"\nREGION = "eu-west-1"\n',
    ),
    ("dotenv", "GITHUB_TOKEN=«SECRET_GITHUB_TOKEN»\nLOG_LEVEL=debug\nPORT=8080\n"),
    (
        "yaml",
        'slack:\n  bot_token: «SECRET_SLACK_TOKEN»\n  channel: "#deploys"\ndatabase:\n  user: app\n  password: «SECRET_PASSWORD»\n',
    ),
    ("json", '{\n  "project": "helix-prod",\n  "api_key": "«SECRET_GCP_API_KEY»",\n  "timeout_s": 30\n}\n'),
    (
        "shell",
        'curl -s -H "Authorization: Bearer «SECRET_GITLAB_TOKEN»" https://gitlab.example.com/api/v4/projects\n',
    ),
    ("python", 'PRIVATE_KEY = """«SECRET_PRIVATE_KEY»"""\n\n\ndef load():\n    return PRIVATE_KEY\n'),
    ("python", 'TEST_TOKEN = "«SECRET_JWT»"\nHEADERS = {"Authorization": "Bearer " + TEST_TOKEN}\n'),
    (
        "csharp",
        'var cs = "Server=tcp:sql.example.net,1433;Database=app;User ID=svc_app;Password=«SECRET_PASSWORD»;Encrypt=true";\n',
    ),
    ("python", 'client_secret = "«SECRET_HEX_SECRET»"\nclient_id = "helix-web"\n'),
    ("python", 'SECRET_KEY = "«SECRET_RANDOM_SECRET»"\nDEBUG = False\n'),
    (
        "ini",
        "[storage]\nconnection = DefaultEndpointsProtocol=https;AccountName=acmestore;AccountKey=«SECRET_AZURE_STORAGE_KEY»;EndpointSuffix=core.windows.net\n",
    ),
    ("python", 'import stripe\n\nstripe.api_key = "«SECRET_STRIPE_KEY»"\n'),
    ("chat", "alerts go to «SECRET_SLACK_WEBHOOK» now, I rotated the old one"),
    ("chat", "here's my token for the demo: «SECRET_GITHUB_PAT» (revoke after friday)"),
    ("javascript", 'const db = { host: "db.example.com", password: "«SECRET_PASSWORD»" };\n'),
    ("go", 'var apiToken = "«SECRET_RANDOM_SECRET»"\n'),
    ("python", 'conn = psycopg2.connect(host="db", user="app", password="«SECRET_PASSWORD»")\n'),
    (
        "json",
        '{"private_key": "«SECRET_PRIVATE_KEY_JSON»", "client_id": "104729384756"}\n',
    ),
    ("chat", "jwt for the staging api: «SECRET_JWT»"),
    ("toml", '[auth]\ntoken = "«SECRET_GITHUB_TOKEN»"\nretries = 3\n'),
    ("python", 'os.environ["AWS_SECRET_ACCESS_KEY"] = "«SECRET_AWS_SECRET_KEY»"\n'),
    ("yaml", "env:\n  - name: STRIPE_SECRET\n    value: «SECRET_STRIPE_KEY»\n"),
    ("dotenv", "DB_PASSWORD=«SECRET_PASSWORD»\nDB_HOST=localhost\n"),
    ("shell", "export GITLAB_TOKEN=«SECRET_GITLAB_TOKEN»\ngit push origin main\n"),
]

# Look-alikes that are not secrets: they measure the secret recognizers' precision.
SECRET_NEGATIVES = [
    ("python", 'password_min_length = 12\ntoken_type = "bearer"\nSECRET_NAME = "prod/db/credentials"\n'),
    ("python", 'password = os.environ["DB_PASSWORD"]\napi_key = get_api_key()\ntoken = None\n'),
    ("yaml", 'database:\n  password: ${DB_PASSWORD}\n  token: "{{ vault_token }}"\n'),
    ("python", 'commit = "«SHA»"\nrequest_id = "«UUID»"\n'),
    ("python", 'PASSWORD_FIELD = "password"\nsecret_label = "Secret"\nrefresh_token_ttl = 3600\n'),
    ("markdown", "Set `GITHUB_TOKEN` in your environment; never paste the token into chat.\n"),
    ("python", 'checksum = "«SHA»"  # sha1 of the artifact\n'),
    ("javascript", 'const password = process.env.DB_PASSWORD;\nconst apiKey = config.get("apiKey");\n'),
]
