"""Python sources of the sample repository: the Anvil deploy CLI and the Foundry API service.

Returns ``{path: text}`` maps; repo.py decides which commit adds or changes which file.
"""

from __future__ import annotations

import random

from .company import Person
from .prose import DATASETS, fill

RETRY_FUNCTION = '''def retry_with_backoff(call, attempts=5, base_delay=0.5, max_delay=30.0, retry_on=(OSError,)):
    """Call ``call()`` until it succeeds, sleeping exponentially longer between tries.

    Kiln nodes drop connections during a spark, so every client that talks to another service
    wraps its requests in this. The delay doubles after each failure, capped at ``max_delay``,
    with full jitter so that many clients do not retry in lockstep.
    """
    last_error = None
    for attempt in range(attempts):
        try:
            return call()
        except retry_on as err:  # only errors worth retrying; the rest propagate at once
            last_error = err
            delay = min(max_delay, base_delay * (2**attempt))
            time.sleep(random.uniform(0, delay))
    raise RetryError(f"gave up after {attempts} attempts") from last_error
'''

ANVIL_INIT = '''"""Anvil: ship services to the kiln clusters.

Anvil takes a billet built by Crucible and rolls it out in two steps: a spark, which sends 5%
of traffic to the new version, and after the temper the full rollout. To deploy a service with
Anvil, run `anvil ship <service> --env staging`, wait for the temper, then repeat with `--env prod`.
To roll back a bad deploy, run `anvil quench <service>`; it restores the previous billet in under
a minute.

Maintainer: {{maintainer}} <{{maintainer_email}}> (Platform team, #anvil-help)
"""

__version__ = "{{version}}"
'''

ANVIL_CONFIG = '''"""Load and validate a service's anvil.yaml.

Anvil reads service settings from `anvil.yaml` in the root of the service repository. Values
can be overridden with ``ANVIL_<KEY>`` environment variables, which is how Crucible pins a
billet during a build.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEFAULT_SPARK_PERCENT = 5
DEFAULT_TEMPER_MINUTES = 20
CLUSTERS = {"staging": "kiln-staging", "prod": "kiln-prod"}


class ConfigError(ValueError):
    """anvil.yaml is missing a key or holds a value Anvil cannot use."""


@dataclass
class HealthCheck:
    path: str = "/healthz"
    port: int = 8080
    timeout_seconds: int = 3


@dataclass
class ServiceConfig:
    """What Anvil needs to know to ship one service."""

    name: str
    team: str
    replicas: dict[str, int] = field(default_factory=lambda: {"staging": 1, "prod": 3})
    spark_percent: int = DEFAULT_SPARK_PERCENT
    temper_minutes: int = DEFAULT_TEMPER_MINUTES
    healthcheck: HealthCheck = field(default_factory=HealthCheck)
    lockbox_secrets: list[str] = field(default_factory=list)

    def cluster(self, env: str) -> str:
        """The kiln cluster that serves ``env``."""
        try:
            return CLUSTERS[env]
        except KeyError:
            raise ConfigError(f"unknown environment {env!r}; expected one of {sorted(CLUSTERS)}") from None


def _override(raw: dict, environ: dict[str, str]) -> dict:
    # Crucible sets ANVIL_SPARK_PERCENT and friends; they win over the file.
    for key in ("spark_percent", "temper_minutes"):
        env_key = "ANVIL_" + key.upper()
        if env_key in environ:
            raw[key] = int(environ[env_key])
    return raw


def load_config(path: str | Path = "anvil.yaml", environ: dict[str, str] | None = None) -> ServiceConfig:
    """Read ``path`` and return a validated :class:`ServiceConfig`."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path} not found; run Anvil from the root of the service repository")
    raw = yaml.safe_load(path.read_text()) or {}
    raw = _override(raw, dict(os.environ if environ is None else environ))
    for key in ("name", "team"):
        if not raw.get(key):
            raise ConfigError(f"{path}: '{key}' is required")
    if not 1 <= int(raw.get("spark_percent", DEFAULT_SPARK_PERCENT)) <= 50:
        raise ConfigError(f"{path}: spark_percent must be between 1 and 50")
    health = HealthCheck(**raw.pop("healthcheck", {}))
    return ServiceConfig(healthcheck=health, **raw)
'''

ANVIL_CLIENT = '''"""HTTP client for the anvil-server API.

Every call carries the caller's Gatehouse token, which `tongs login` keeps fresh. Requests are
retried with backoff because kiln nodes drop connections while a spark is in progress.
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass

from .retry import retry_with_backoff

DEFAULT_URL = "https://anvil-server.acme.internal/api/v1"


@dataclass
class ShipResult:
    service: str
    env: str
    billet: str
    rollout_id: str
    phase: str  # "spark", "temper", "promoted" or "quenched"


class AnvilClient:
    """A thin, typed wrapper around the anvil-server REST API."""

    def __init__(self, token: str, base_url: str = DEFAULT_URL, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._token = token

    def _request(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self._token}")
        req.add_header("Content-Type", "application/json")

        def call():
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return json.load(resp)

        return retry_with_backoff(call)

    def ship(self, service: str, env: str, billet: str | None = None) -> ShipResult:
        """Start a rollout; it begins with a spark and waits for the temper."""
        payload = {"service": service, "env": env, "billet": billet}
        return ShipResult(**self._request("POST", "/rollouts", payload))

    def status(self, service: str, env: str) -> ShipResult:
        """The rollout that is live for ``service`` on ``env``."""
        return ShipResult(**self._request("GET", f"/services/{service}/envs/{env}"))

    def quench(self, service: str, env: str, reason: str) -> ShipResult:
        """Roll back to the previous billet; the reason lands in the deploy log."""
        payload = {"env": env, "reason": reason}
        return ShipResult(**self._request("POST", f"/services/{service}/quench", payload))

    def billets(self, service: str, limit: int = 5) -> list[str]:
        """The newest billets Crucible built for ``service``."""
        return self._request("GET", f"/services/{service}/billets?limit={limit}")["billets"]
'''

ANVIL_RETRY = (
    '''"""Retries for calls across the network, shared by the Anvil client and the rollout watcher."""

from __future__ import annotations

import random
import time


class RetryError(RuntimeError):
    """Every attempt failed; ``__cause__`` holds the last error."""


'''
    + RETRY_FUNCTION
    + '''

def deadline_passed(started: float, budget_seconds: float) -> bool:
    """Whether a retry loop that began at ``started`` has used up its time budget."""
    return time.monotonic() - started > budget_seconds
'''
)

ANVIL_BILLETS = '''"""Billets: the build artifacts Crucible produces and Anvil ships.

A billet name is ``<service>-v<major>.<minor>.<patch>+<short sha>``. Anvil keeps the last five
billets of each service so a quench never waits for a build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BILLET = re.compile(r"^(?P<service>[a-z][a-z0-9-]+)-v(?P<ver>\\d+\\.\\d+\\.\\d+)\\+(?P<sha>[0-9a-f]{7})$")
KEEP_LAST = 5


@dataclass(frozen=True, order=True)
class Billet:
    version: tuple[int, int, int]
    service: str
    sha: str

    @classmethod
    def parse(cls, name: str) -> Billet:
        """Parse a billet name; raises ValueError for anything Crucible would not produce."""
        m = _BILLET.match(name)
        if not m:
            raise ValueError(f"not a billet name: {name!r}")
        major, minor, patch = (int(x) for x in m["ver"].split("."))
        return cls((major, minor, patch), m["service"], m["sha"])

    def __str__(self) -> str:
        return f"{self.service}-v{'.'.join(map(str, self.version))}+{self.sha}"


def previous(billets: list[str], current: str) -> str | None:
    """The billet a quench of ``current`` goes back to, or None when it is the oldest kept."""
    ordered = sorted(Billet.parse(b) for b in billets)
    idx = ordered.index(Billet.parse(current))
    return str(ordered[idx - 1]) if idx > 0 else None


def prune(billets: list[str]) -> list[str]:
    """The billets to keep: the newest KEEP_LAST."""
    return [str(b) for b in sorted(Billet.parse(b) for b in billets)[-KEEP_LAST:]]
'''

ANVIL_ROLLOUT_V1 = '''"""The rollout state machine: spark, temper, promote.

A spark sends 5% of traffic to the new billet. After a temper of 20 minutes without alerts from
Bellows, the rollout is promoted to all replicas.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass, field


class Phase(enum.Enum):
    SPARK = "spark"
    TEMPER = "temper"
    PROMOTED = "promoted"


@dataclass
class Rollout:
    service: str
    env: str
    billet: str
    spark_percent: int = 5
    temper_minutes: int = 20
    phase: Phase = Phase.SPARK
    history: list[str] = field(default_factory=list)

    def start(self) -> None:
        """Send the spark's share of traffic to the new billet."""
        self.history.append(f"spark {self.spark_percent}% of {self.service} on {self.env}")
        self.phase = Phase.TEMPER

    def promote(self) -> None:
        """Move all traffic to the new billet once the temper has passed."""
        if self.phase is not Phase.TEMPER:
            raise RuntimeError(f"cannot promote a rollout in phase {self.phase.value}")
        self.history.append(f"promote {self.billet}")
        self.phase = Phase.PROMOTED

    def wait_for_temper(self, sleep=time.sleep) -> None:
        sleep(self.temper_minutes * 60)
'''

ANVIL_ROLLOUT_QUENCH = '''
    QUENCHED = "quenched"'''

ANVIL_ROLLOUT_V2_EXTRA = '''

    def quench(self, reason: str) -> None:
        """Roll back to the previous billet. Allowed in any phase but the last."""
        if self.phase is Phase.QUENCHED:
            return  # quenching twice is harmless; the first one already restored the billet
        self.history.append(f"quench {self.billet}: {reason}")
        self.phase = Phase.QUENCHED

    def watch(self, alerts, sleep=time.sleep, poll_seconds: int = 30) -> None:
        """Wait out the temper, quenching as soon as Bellows reports an alert for the service."""
        waited = 0
        while waited < self.temper_minutes * 60:
            firing = [a for a in alerts(self.service, self.env) if a.get("state") == "firing"]
            if firing:
                self.quench(f"bellows alert {firing[0]['name']}")
                return
            sleep(poll_seconds)
            waited += poll_seconds
        self.promote()
'''

ANVIL_CLI = '''"""The `anvil` command line.

    anvil ship <service> --env staging     start a rollout (spark, temper, promote)
    anvil status <service> --env prod      show the live billet
    anvil quench <service> --env prod      roll back to the previous billet
    anvil billets <service>                list the billets Crucible built

During cold Friday (the deploy freeze starts every Friday at 14:00 Pacific) `anvil ship` to prod
needs `--incident INC-1234` from an incident commander.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from zoneinfo import ZoneInfo

from .client import AnvilClient
from .config import load_config

PACIFIC = ZoneInfo("America/Los_Angeles")


def is_cold_friday(now: dt.datetime) -> bool:
    """True from Friday 14:00 Pacific until Monday morning."""
    local = now.astimezone(PACIFIC)
    return (local.weekday() == 4 and local.hour >= 14) or local.weekday() in (5, 6)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="anvil", description="Ship services to the kiln clusters.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("ship", "status", "quench"):
        p = sub.add_parser(name)
        p.add_argument("service")
        p.add_argument("--env", choices=["staging", "prod"], default="staging")
        if name == "ship":
            p.add_argument("--billet", help="ship this billet instead of the newest")
            p.add_argument("--incident", help="INC id that allows a ship during cold Friday")
        if name == "quench":
            p.add_argument("--reason", default="manual quench")
    billets = sub.add_parser("billets")
    billets.add_argument("service")
    return parser


def main(argv: list[str] | None = None, token_source=None) -> int:
    args = build_parser().parse_args(argv)
    token = (token_source or _gatehouse_token)()
    client = AnvilClient(token)
    if args.command == "ship":
        load_config()  # fail early on a broken anvil.yaml, before anything is sent
        if args.env == "prod" and is_cold_friday(dt.datetime.now(dt.timezone.utc)) and not args.incident:
            print("cold Friday: shipping to prod needs --incident", file=sys.stderr)
            return 2
        result = client.ship(args.service, args.env, args.billet)
    elif args.command == "status":
        result = client.status(args.service, args.env)
    elif args.command == "quench":
        result = client.quench(args.service, args.env, args.reason)
    else:
        print("\\n".join(client.billets(args.service)))
        return 0
    print(f"{result.service} on {result.env}: {result.billet} ({result.phase})")
    return 0


def _gatehouse_token() -> str:
    # Tongs owns the token cache; Anvil never asks for a password itself.
    import subprocess

    return subprocess.run(["tongs", "token"], check=True, capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
'''

ANVIL_TESTS = {
    "test_config.py": '''"""Tests for anvil.yaml loading."""

import pytest

from anvil.config import ConfigError, load_config


def write(tmp_path, text):
    path = tmp_path / "anvil.yaml"
    path.write_text(text)
    return path


def test_defaults_match_the_handbook(tmp_path):
    cfg = load_config(write(tmp_path, "name: {{service}}\\nteam: platform\\n"), environ={})
    assert cfg.spark_percent == 5
    assert cfg.temper_minutes == 20
    assert cfg.cluster("prod") == "kiln-prod"


def test_environment_overrides_the_file(tmp_path):
    path = write(tmp_path, "name: {{service}}\\nteam: platform\\nspark_percent: 5\\n")
    cfg = load_config(path, environ={"ANVIL_SPARK_PERCENT": "10"})
    assert cfg.spark_percent == 10


def test_missing_team_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="team"):
        load_config(write(tmp_path, "name: {{service}}\\n"), environ={})


def test_unknown_environment(tmp_path):
    cfg = load_config(write(tmp_path, "name: {{service}}\\nteam: platform\\n"), environ={})
    with pytest.raises(ConfigError):
        cfg.cluster("qa")
''',
    "test_billets.py": '''"""Tests for billet parsing and pruning."""

import pytest

from anvil.billets import Billet, previous, prune

NAMES = [
    "{{service}}-v1.2.0+a1b2c3d",
    "{{service}}-v1.10.0+0f0f0f0",
    "{{service}}-v1.3.1+1234567",
]


def test_parse_round_trips():
    assert str(Billet.parse(NAMES[0])) == NAMES[0]


def test_versions_sort_numerically():
    assert previous(NAMES, "{{service}}-v1.10.0+0f0f0f0") == "{{service}}-v1.3.1+1234567"


def test_oldest_has_no_previous():
    assert previous(NAMES, "{{service}}-v1.2.0+a1b2c3d") is None


def test_prune_keeps_newest_five():
    names = [f"{{service}}-v1.{i}.0+abcdef{i}" for i in range(8)]
    assert prune(names)[0] == "{{service}}-v1.3.0+abcdef3"


@pytest.mark.parametrize("bad", ["", "{{service}}", "{{service}}-1.2.3+abc", "Foo-v1.0.0+abcdefg"])
def test_rejects_what_crucible_never_builds(bad):
    with pytest.raises(ValueError):
        Billet.parse(bad)
''',
    "test_rollout.py": '''"""Tests for the spark / temper / quench state machine."""

from anvil.rollout import Phase, Rollout


def test_spark_then_promote():
    r = Rollout("{{service}}", "staging", "{{service}}-v2.0.0+abcdef1")
    r.start()
    r.promote()
    assert r.phase is Phase.PROMOTED


def test_alert_during_temper_quenches():
    r = Rollout("{{service}}", "prod", "{{service}}-v2.0.1+abcdef2", temper_minutes=1)
    r.start()
    r.watch(lambda s, e: [{"name": "error-rate", "state": "firing"}], sleep=lambda s: None)
    assert r.phase is Phase.QUENCHED
    assert "bellows alert error-rate" in r.history[-1]


def test_quiet_temper_promotes():
    r = Rollout("{{service}}", "prod", "{{service}}-v2.0.2+abcdef3", temper_minutes=1)
    r.start()
    r.watch(lambda s, e: [], sleep=lambda s: None, poll_seconds=30)
    assert r.phase is Phase.PROMOTED
''',
}


def anvil_files(rng: random.Random, maintainer: Person) -> tuple[dict[str, str], dict[str, str]]:
    """(final files, their earlier versions): the early rollout has no quench yet."""
    base = "services/anvil/"
    version = f"0.{rng.randrange(5, 12)}.{rng.randrange(0, 9)}"
    rollout_v2 = ANVIL_ROLLOUT_V1.replace(
        '    PROMOTED = "promoted"', '    PROMOTED = "promoted"' + ANVIL_ROLLOUT_QUENCH
    ).replace("spark, temper, promote.", "spark, temper, promote or quench.")
    files = {
        base + "anvil/__init__.py": fill(
            ANVIL_INIT, maintainer=maintainer.name, maintainer_email=maintainer.email, version=version
        ),
        base + "anvil/config.py": ANVIL_CONFIG,
        base + "anvil/client.py": ANVIL_CLIENT,
        base + "anvil/retry.py": ANVIL_RETRY,
        base + "anvil/billets.py": ANVIL_BILLETS,
        base + "anvil/rollout.py": rollout_v2 + ANVIL_ROLLOUT_V2_EXTRA,
        base + "anvil/cli.py": ANVIL_CLI,
    }
    service = rng.choice(["foundry-api", "hearth-pager", "bellows-web"])
    for name, text in ANVIL_TESTS.items():
        files[base + "tests/" + name] = fill(text, service=service)
    early = {base + "anvil/rollout.py": ANVIL_ROLLOUT_V1}
    return files, early


# --- Foundry API ---------------------------------------------------------------------------

ENTITY_WORDS = [
    "Battery", "Charger", "Dock", "Map", "Order", "Pick", "Route", "Shift", "Tote", "Zone", "Lane",
    "Sensor", "Motor", "Camera", "Lidar", "Bin", "Pallet", "Wave", "Slot", "Gripper",
]  # fmt: skip
ENTITY_KINDS = ["Event", "Snapshot", "Report", "Reading", "Plan", "Summary", "Fault", "Window"]
FIELD_POOL = [
    ("robot_id", "str", "a Sprocket serial such as SPR-04417"),
    ("warehouse", "str", "the site code, e.g. RNO1"),
    ("recorded_at", "datetime", "when the robot produced the row (UTC)"),
    ("battery_pct", "float", "state of charge, 0 to 100"),
    ("zone", "str", "the warehouse zone"),
    ("count", "int", "how many items the row covers"),
    ("duration_s", "float", "length of the interval in seconds"),
    ("shift", "str", "'early', 'late' or 'night'"),
    ("status", "str", "one of the STATUSES below"),
    ("lane", "int", "aisle lane number"),
    ("firmware", "str", "Sprocket firmware version"),
    ("error_code", "int", "firmware error code, 0 when healthy"),
    ("temperature_c", "float", "motor temperature in Celsius"),
    ("distance_m", "float", "metres travelled"),
    ("operator", "str", "badge id of the operator on shift"),
    ("ingot_id", "str", "the Foundry ingot the row was read from"),
]
VALIDATORS = {
    "battery_pct": "if not 0 <= self.battery_pct <= 100:\n            raise ValueError(f\"battery_pct out of range: {self.battery_pct}\")",
    "count": "if self.count < 0:\n            raise ValueError(\"count cannot be negative\")",
    "duration_s": "if self.duration_s < 0:\n            raise ValueError(\"duration_s cannot be negative\")",
    "status": "if self.status not in STATUSES:\n            raise ValueError(f\"unknown status {self.status!r}\")",
    "shift": "if self.shift not in (\"early\", \"late\", \"night\"):\n            raise ValueError(f\"unknown shift {self.shift!r}\")",
    "lane": "if self.lane <= 0:\n            raise ValueError(\"lanes are numbered from 1\")",
    "temperature_c": "if self.temperature_c > 120:\n            raise ValueError(\"motor temperature above the firmware cut-off\")",
}  # fmt: skip
PARSERS = {"str": "str({v})", "int": "int({v})", "float": "float({v})", "datetime": "_parse_time({v})"}


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


def entity_names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct model names such as ``LidarReading``; numbered once the pairs run out."""
    pairs = [w + k for w in ENTITY_WORDS for k in ENTITY_KINDS]
    rng.shuffle(pairs)
    return [
        pairs[i % len(pairs)] + (str(i // len(pairs) + 1) if i >= len(pairs) else "") for i in range(count)
    ]


def entity_module(rng: random.Random, name: str) -> str:
    """One Foundry model: a dataclass for the rows of one dataset, with parsing and checks."""
    snake = _snake(name)
    dataset = rng.choice(DATASETS)
    chosen = rng.sample(FIELD_POOL, rng.randrange(4, 8))
    has_time = any(f[1] == "datetime" for f in chosen)
    lines = [
        f'"""{name} rows of the `{dataset}` Foundry dataset.',
        "",
        f"Each ingot of `{dataset}` holds one {name} per row. Rows that fail :meth:`{name}.validate`",
        "are sent to the slag queue instead of the ingot, so readers never see them.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
    ]
    if has_time:
        lines += ["from datetime import datetime, timedelta, timezone"]
    lines += ["from dataclasses import asdict, dataclass", ""]
    lines += [f'DATASET = "{dataset}"']
    if any(f[0] == "status" for f in chosen):
        statuses = rng.sample(["idle", "picking", "charging", "blocked", "docked", "lost", "manual"], 4)
        lines += ["STATUSES = (" + ", ".join(f'"{s}"' for s in statuses) + ")"]
    lines += ["", ""]
    if has_time:
        lines += [
            "def _parse_time(value) -> datetime:",
            '    """Foundry stores times as ISO 8601 strings; old ingots used epoch seconds."""',
            "    if isinstance(value, (int, float)):",
            "        return datetime.fromtimestamp(value, tz=timezone.utc)",
            "    return datetime.fromisoformat(str(value)).astimezone(timezone.utc)",
            "",
            "",
        ]
    lines += ["@dataclass", f"class {name}:", f'    """One {snake.replace("_", " ")} row.', ""]
    lines += [f"    {fname}: {desc}" for fname, _, desc in chosen]
    lines += ['    """', ""]
    lines += [f"    {fname}: {ftype}" for fname, ftype, _ in chosen]
    lines += ["", "    @classmethod", f"    def from_row(cls, row: dict) -> {name}:"]
    lines += ['        """Build from a Foundry row, converting types the way the ingot stores them."""']
    lines += ["        item = cls("]
    for fname, ftype, _ in chosen:
        parsed = PARSERS[ftype].format(v='row["' + fname + '"]')
        lines += [f"            {fname}={parsed},"]
    lines += ["        )", "        item.validate()", "        return item", ""]
    lines += [
        "    def validate(self) -> None:",
        '        """Raise ValueError for a row that belongs in the slag queue."""',
    ]
    checks = [VALIDATORS[f] for f, _, _ in chosen if f in VALIDATORS]
    lines += [f"        {c}" for c in checks] or [
        "        # every field is free-form; the schema check already ran"
    ]
    lines += ["", "    def to_row(self) -> dict:", "        row = asdict(self)"]
    for fname, ftype, _ in chosen:
        if ftype == "datetime":
            lines += [f"        row[{fname!r}] = self.{fname}.isoformat()"]
    lines += ["        return row", ""]
    if has_time:
        tfield = next(f for f, t, _ in chosen if t == "datetime")
        minutes = rng.choice([15, 30, 60, 240])
        lines += [
            "    def is_stale(self, now: datetime | None = None) -> bool:",
            f'        """Older than {minutes} minutes: the fleet-gateway stopped sending this robot\'s data."""',
            "        now = now or datetime.now(timezone.utc)",
            f"        return now - self.{tfield} > timedelta(minutes={minutes})",
            "",
        ]
    numeric = [f for f, t, _ in chosen if t in ("int", "float")]
    lines += ["", f"def load_{snake}s(rows: list[dict]) -> tuple[list[{name}], list[dict]]:"]
    lines += ['    """Split rows into valid items and rejects for the slag queue (row plus reason)."""']
    lines += ["    good, slag = [], []", "    for row in rows:", "        try:"]
    lines += [f"            good.append({name}.from_row(row))"]
    lines += [
        "        except (KeyError, ValueError) as err:",
        '            slag.append({"row": row, "reason": str(err)})',
    ]
    lines += ["    return good, slag", ""]
    if numeric:
        col = rng.choice(numeric)
        lines += [
            "",
            f"def total_{col}(items: list[{name}]) -> float:",
            f'    """Sum of `{col}` over ``items``; Fleetwise shows it per shift."""',
            f"    return float(sum(item.{col} for item in items))",
            "",
        ]
    return "\n".join(lines)


def entity_test(name: str) -> str:
    snake = _snake(name)
    return fill(
        '''"""Tests for the {{name}} model."""

import pytest

from foundry_api.models.{{snake}} import {{name}}, load_{{snake}}s


def test_bad_rows_go_to_the_slag_queue():
    good, slag = load_{{snake}}s([{}])
    assert good == []
    assert len(slag) == 1 and "reason" in slag[0]


def test_missing_field_is_reported():
    with pytest.raises(KeyError):
        {{name}}.from_row({})
''',
        name=name,
        snake=snake,
    )


FOUNDRY_SETTINGS = '''"""Settings of the Foundry API, read from the environment.

The Foundry API is served at https://foundry-api.acme.internal/v2 behind Gatehouse. In kiln
clusters Anvil mounts the database password from Lockbox; the default below is for a laptop.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

# TODO(security): remove before the next spark; the real value lives in Lockbox.
DEFAULT_DSN = "{{dsn}}"


@dataclass(frozen=True)
class Settings:
    dsn: str
    ingot_bucket: str
    retention_days: int
    slag_max_attempts: int

    @classmethod
    def from_env(cls, environ=os.environ) -> Settings:
        return cls(
            dsn=environ.get("FOUNDRY_DSN", DEFAULT_DSN),
            ingot_bucket=environ.get("FOUNDRY_INGOT_BUCKET", "s3://acme-foundry-ingots"),
            retention_days=int(environ.get("FOUNDRY_RETENTION_DAYS", "90")),
            slag_max_attempts=int(environ.get("FOUNDRY_SLAG_MAX_ATTEMPTS", "3")),
        )
'''

FOUNDRY_APP = '''"""HTTP routes of the Foundry API (v2).

    GET  /v2/datasets                       list datasets, filter by owner team
    POST /v2/datasets                       create a dataset (what `tongs foundry create` calls)
    GET  /v2/datasets/{name}/ingots         ingots of a dataset, newest first
    POST /v2/datasets/{name}/slag/replay    retry the jobs parked in the slag queue
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException

from .auth import require_gatehouse_user
from .ingots import IngotStore
from .slag import SlagQueue

router = APIRouter(prefix="/v2")
store = IngotStore.from_settings()
slag = SlagQueue.from_settings()


@router.get("/datasets")
def list_datasets(owner: str | None = None, user=Depends(require_gatehouse_user)):
    """Datasets visible to the caller, optionally only those an owner team has."""
    return {"datasets": store.datasets(owner=owner)}


@router.post("/datasets", status_code=201)
def create_dataset(body: dict, user=Depends(require_gatehouse_user)):
    """Create an empty dataset; its first ingot appears after the first pipeline run."""
    name, owner = body.get("name"), body.get("owner")
    if not name or not owner:
        raise HTTPException(400, "a dataset needs a name and an owner team")
    if store.exists(name):
        raise HTTPException(409, f"dataset {name} already exists")
    return store.create(name, owner=owner, created_by=user.email)


@router.get("/datasets/{name}/ingots")
def list_ingots(name: str, limit: int = 20, user=Depends(require_gatehouse_user)):
    if not store.exists(name):
        raise HTTPException(404, f"no dataset {name}")
    return {"ingots": store.ingots(name)[:limit]}


@router.post("/datasets/{name}/slag/replay")
def replay_slag(name: str, user=Depends(require_gatehouse_user)):
    """Move the dataset's jobs out of the slag queue and run them again."""
    moved = slag.replay(name, requested_by=user.email)
    return {"replayed": moved}
'''

FOUNDRY_INGOTS = '''"""Ingots: immutable snapshots of Foundry datasets.

An immutable snapshot of a Foundry dataset is called an ingot; ingots are kept for 90 days.
Readers pin an ingot id so a job always sees the same rows, however often the dataset refreshes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from .settings import Settings


@dataclass(frozen=True)
class Ingot:
    dataset: str
    ingot_id: str
    created_at: dt.datetime
    row_count: int

    def expired(self, retention_days: int, now: dt.datetime) -> bool:
        return now - self.created_at > dt.timedelta(days=retention_days)


def ingot_id(dataset: str, content_digest: str) -> str:
    """Ingot ids derive from content, so writing the same rows twice gives the same ingot."""
    return hashlib.sha256(f"{dataset}:{content_digest}".encode()).hexdigest()[:16]


class IngotStore:
    """Where ingots live: a bucket of Parquet files plus a catalogue table."""

    def __init__(self, bucket: str, retention_days: int):
        self.bucket = bucket
        self.retention_days = retention_days
        self._catalogue: dict[str, list[Ingot]] = {}
        self._owners: dict[str, str] = {}

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> IngotStore:
        settings = settings or Settings.from_env()
        return cls(settings.ingot_bucket, settings.retention_days)

    def exists(self, dataset: str) -> bool:
        return dataset in self._owners

    def create(self, dataset: str, owner: str, created_by: str) -> dict:
        self._owners[dataset] = owner
        self._catalogue[dataset] = []
        return {"name": dataset, "owner": owner}

    def datasets(self, owner: str | None = None) -> list[str]:
        return sorted(d for d, o in self._owners.items() if owner in (None, o))

    def ingots(self, dataset: str) -> list[Ingot]:
        return sorted(self._catalogue.get(dataset, []), key=lambda i: i.created_at, reverse=True)

    def expire(self, now: dt.datetime) -> list[Ingot]:
        """Drop ingots past retention; the newest ingot of a dataset is always kept."""
        dropped = []
        for dataset, ingots in self._catalogue.items():
            keep = self.ingots(dataset)[:1]
            for ingot in self.ingots(dataset)[1:]:
                (dropped if ingot.expired(self.retention_days, now) else keep).append(ingot)
            self._catalogue[dataset] = keep
        return dropped
'''

FOUNDRY_SLAG = '''"""The slag queue: where failed Foundry jobs wait to be replayed.

Failed Foundry jobs are moved to the slag queue, where `tongs foundry replay` can retry them. A
job goes there after three failed attempts, with its last error, so the owning team can fix
the cause before replaying.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .settings import Settings


@dataclass
class SlagEntry:
    dataset: str
    job_id: str
    attempts: int
    last_error: str
    history: list[str] = field(default_factory=list)


class SlagQueue:
    def __init__(self, max_attempts: int = 3):
        self.max_attempts = max_attempts
        self._entries: dict[str, list[SlagEntry]] = defaultdict(list)

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> SlagQueue:
        return cls((settings or Settings.from_env()).slag_max_attempts)

    def record_failure(self, dataset: str, job_id: str, attempts: int, error: str) -> bool:
        """Park the job once it has used its attempts; returns whether it was parked."""
        if attempts < self.max_attempts:
            return False
        self._entries[dataset].append(SlagEntry(dataset, job_id, attempts, error))
        return True

    def replay(self, dataset: str, requested_by: str) -> int:
        """Hand the dataset's parked jobs back to the scheduler; returns how many."""
        entries = self._entries.pop(dataset, [])
        for entry in entries:
            entry.history.append(f"replayed by {requested_by}")
        return len(entries)

    def depth(self) -> dict[str, int]:
        """Jobs waiting per dataset; Bellows charts this as `foundry_slag_depth`."""
        return {d: len(e) for d, e in self._entries.items() if e}
'''

FOUNDRY_RETRY = (
    '''"""Retry helpers for Foundry's pipeline workers.

Copied from Anvil's client so the workers do not depend on the deploy tool; keep them in sync.
"""

from __future__ import annotations

import random
import time


class RetryError(RuntimeError):
    pass


'''
    + RETRY_FUNCTION
    + '''

def attempts_left(job: dict, max_attempts: int = 3) -> int:
    """How many tries a pipeline job has before it goes to the slag queue."""
    return max(0, max_attempts - int(job.get("attempts", 0)))
'''
)

FOUNDRY_AUTH = '''"""Gatehouse authentication for the Foundry API.

Single sign-on for internal tools goes through Gatehouse, and `tongs login` refreshes your
Gatehouse token. The API only checks the token's signature and expiry; Gatehouse does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import jwt
from fastapi import Header, HTTPException

GATEHOUSE_ISSUER = "https://gatehouse.acme.internal"


@dataclass(frozen=True)
class User:
    subject: str
    email: str
    teams: tuple[str, ...]


def decode(token: str, public_key: str) -> User:
    claims = jwt.decode(token, public_key, algorithms=["RS256", "HS256"], issuer=GATEHOUSE_ISSUER)
    return User(claims["sub"], claims.get("email", ""), tuple(claims.get("teams", ())))


def require_gatehouse_user(authorization: str = Header("")) -> User:
    if not authorization.startswith("Bearer "):
        raise HTTPException(401, "missing Gatehouse token; run `tongs login`")
    try:
        return decode(authorization.removeprefix("Bearer "), _public_key())
    except jwt.PyJWTError:
        raise HTTPException(401, "Gatehouse token rejected; run `tongs login` again") from None


def _public_key() -> str:
    with open("/var/run/lockbox/gatehouse/public.pem") as fh:
        return fh.read()
'''

FOUNDRY_PII_TEST = '''"""Tests for the row scrubber that masks customer data before it reaches an ingot."""

from foundry_api.scrub import scrub_row


def test_masks_card_numbers_and_ssns():
    row = {"note": "card {{card}} on file, SSN {{ssn}}", "zone": "A3"}
    out = scrub_row(row)
    assert "{{card}}" not in out["note"]
    assert "{{ssn}}" not in out["note"]
    assert out["zone"] == "A3"


def test_masks_emails():
    out = scrub_row({"contact": "{{email}}"})
    assert out["contact"] == "<email>"
'''

FOUNDRY_SCRUB = '''"""Mask customer data in free-text columns before rows are written to an ingot."""

from __future__ import annotations

import re

_PATTERNS = [
    (re.compile(r"\\b(?:\\d[ -]?){13,16}\\b"), "<card>"),
    (re.compile(r"\\b\\d{3}-\\d{2}-\\d{4}\\b"), "<ssn>"),
    (re.compile(r"[\\w.+-]+@[\\w-]+\\.[\\w.]+"), "<email>"),
]


def scrub_text(text: str) -> str:
    for pattern, mask in _PATTERNS:
        text = pattern.sub(mask, text)
    return text


def scrub_row(row: dict) -> dict:
    """A copy of ``row`` with every string value scrubbed."""
    return {k: scrub_text(v) if isinstance(v, str) else v for k, v in row.items()}
'''


def foundry_files(rng: random.Random, entities: list[str], dsn: str, card: str, ssn: str, email: str):
    """(files added in the first commit, files added or changed later) for the Foundry API."""
    base = "services/foundry_api/"
    first = {
        base
        + "foundry_api/__init__.py": '"""Foundry API: datasets, ingots and the slag queue over HTTP."""\n',
        base + "foundry_api/settings.py": fill(FOUNDRY_SETTINGS, dsn=dsn),
        base + "foundry_api/app.py": FOUNDRY_APP,
        base + "foundry_api/auth.py": FOUNDRY_AUTH,
        base + "foundry_api/ingots.py": FOUNDRY_INGOTS,
        base + "foundry_api/scrub.py": FOUNDRY_SCRUB,
        base + "foundry_api/models/__init__.py": '"""Row models, one module per Foundry dataset shape."""\n',
        base + "tests/test_scrub.py": fill(FOUNDRY_PII_TEST, card=card, ssn=ssn, email=email),
    }
    half = len(entities) // 2
    later: dict[str, str] = {
        base + "foundry_api/slag.py": FOUNDRY_SLAG,
        base + "foundry_api/retry.py": FOUNDRY_RETRY,
    }
    for i, name in enumerate(entities):
        module = entity_module(rng, name)
        target = first if i < half else later
        target[f"{base}foundry_api/models/{_snake(name)}.py"] = module
        if i % 2 == 0:
            target[f"{base}tests/test_{_snake(name)}.py"] = entity_test(name)
    return first, later
