"""Sentences about Acme Robotics' tools, filled from the seed: the raw material of pages and messages.

Each product has a pool of sentence templates; slots such as ``{service}`` or ``{person}`` are
filled from the company and the seed, so two pages on one topic share vocabulary but rarely whole
sentences. Facts (company.FACTS) are inserted verbatim so they recur across the corpus.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from .company import FACTS_BY_TOPIC, SERVICES, TEAMS, Company, Fact

EPOCH = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)  # the corpus' first day (a Monday)

DATASETS = [
    "fleet_telemetry", "order_events", "tote_scans", "battery_health", "route_plans",
    "pick_rates", "dock_schedules", "firmware_crashes", "charger_usage", "map_updates",
]  # fmt: skip
METRICS = ["p99 latency", "error rate", "queue depth", "tote throughput", "battery drain", "pick rate"]
WAREHOUSES = ["Reno", "Columbus", "Tilburg", "Leeds", "Dallas", "Memphis"]

POOLS: dict[str, list[str]] = {
    "Anvil": [
        "Anvil ships {service} from the billet that Crucible built for commit {sha}.",
        "Every spark of {service} starts with 5% of traffic on kiln-{env} and a temper of 20 minutes.",
        "If the {metric} of {service} rises during the temper, Anvil stops the rollout and pages {team}.",
        "{person} changed the default spark size for {service} in anvil.yaml after the {inc} review.",
        "Anvil keeps the last five billets of every service so that a quench never waits for a build.",
        "Run `anvil status {service}` to see which billet is live on kiln-{env} and who shipped it.",
        "The Anvil server records every ship, spark and quench in the deploy log that Bellows charts.",
        "During cold Friday Anvil refuses `anvil ship` to prod unless an incident commander approves it.",
        "`anvil ship {service} --env {env} --billet {version}` pins the rollout to one billet.",
        "Anvil reads the `healthcheck` block of anvil.yaml to decide when a pod of {service} is ready.",
        "A failed spark is quenched automatically; the previous billet of {service} stays on kiln-{env}.",
        "The Platform team reviews every change to Anvil in the smithy on Tuesdays.",
    ],
    "Foundry": [
        "The {dataset} dataset in Foundry is owned by {team} and refreshed every {n} minutes.",
        "Foundry writes a new ingot of {dataset} after every successful pipeline run.",
        "Ingots are immutable, so a job that reads ingot {version} of {dataset} always sees the same rows.",
        "When a Foundry job fails three times it lands in the slag queue with the error attached.",
        "`tongs foundry replay {dataset}` moves the jobs of {dataset} out of the slag queue and retries them.",
        "{person} added a schema check to {dataset} so that bad rows go to the slag queue, not to the ingot.",
        "The Foundry API answers `GET /v2/datasets/{dataset}/ingots` with the ingots newest first.",
        "Foundry pipelines for {dataset} run on kiln-prod and report their lag to Bellows.",
        "Readers should pin an ingot id; the moving `latest` alias of {dataset} changes every {n} minutes.",
        "The {dataset} pipeline reads {n} million rows a day from the Sprocket fleet in {warehouse}.",
        "`tongs foundry describe {dataset}` prints the owner, the schema and the last five ingots.",
        "Data Infrastructure drains the slag queue every morning and files a ticket for repeated errors.",
    ],
    "Tongs": [
        "Tongs wraps Anvil, Foundry and Lockbox behind one command, so `tongs --help` is the place to start.",
        "`tongs env {service}` prints the settings Anvil would use for {service} on kiln-{env}.",
        "Tongs stores your Gatehouse token in the OS keychain and refreshes it every {n} hours.",
        "{person} added `tongs doctor --fix`, which repairs a stale kubeconfig for kiln-staging.",
        "Tongs is written in Go and released through Crucible; `tongs update` fetches the newest billet.",
        "If `tongs login` hangs, check that Gatehouse is reachable from your network.",
        "`tongs foundry ls --owner {team_slug}` lists every dataset that {team} owns.",
        "The Developer Experience team answers Tongs questions in #tongs-dev within a day.",
        "Tongs sends anonymous usage counts to Bellows so DevEx can see which commands are slow.",
        "Run `tongs kiln use {env}` to point kubectl at kiln-{env} with your Gatehouse identity.",
    ],
    "Crucible": [
        "Crucible builds {service} on every push and stores the result as a billet named {version}.",
        "A crucible.yml has three stages by default: lint, test and billet.",
        "{person} cut the Crucible build of {service} from {n} minutes to half that by caching wheels.",
        "Crucible marks a billet as shippable only when every required check in crucible.yml passed.",
        "Flaky tests in Crucible are tagged `@flaky` and tracked on the Platform board until fixed.",
        "Crucible runners live on kiln-staging and scale with the length of the build queue.",
        "`tongs crucible logs {service}` streams the logs of the latest Crucible run.",
        "Crucible posts the result of every main-branch build of {service} to #crucible.",
    ],
    "Bellows": [
        "The default Bellows board for {service} shows {metric}, saturation and the last ship from Anvil.",
        "Bellows keeps raw metrics for {n} days and hourly rollups for a year.",
        "{person} added a Bellows alert that fires when the {metric} of {service} doubles within ten minutes.",
        "Bellows alerts go to Hearth, which decides whom to page.",
        "Every Bellows board links to the runbook of its service in the wiki.",
        "Bellows reads the deploy log from Anvil so every graph marks each spark and quench.",
        "Use the `service:{service}` filter in Bellows to compare kiln-staging with kiln-prod.",
        "SRE reviews noisy Bellows alerts every other Thursday and deletes the ones nobody acts on.",
    ],
    "Hearth": [
        "Hearth opened {inc} when the {metric} of {service} crossed its threshold on kiln-{env}.",
        "The on-call engineer acknowledges a page in Hearth and becomes incident commander.",
        "Hearth escalates an unacknowledged SEV1 page to the secondary on-call after 10 minutes.",
        "{person} was the incident commander for {inc} and wrote the postmortem.",
        "Every incident in Hearth gets a channel, a timeline and a postmortem within five working days.",
        "Hearth rotates the primary on-call every Monday at 10:00 Pacific.",
        "A SEV3 in Hearth never pages at night; it opens a ticket for the owning team instead.",
        "`tongs hearth ack {inc}` acknowledges a page from the terminal.",
    ],
    "Lockbox": [
        "Lockbox paths follow `<team>/<service>/<name>`, for example `{team_slug}/{service}/db-password`.",
        "Anvil injects Lockbox secrets into {service} as files, never as plain environment variables.",
        "A secret that was pasted in chat or committed must be rotated in Lockbox the same day.",
        "Security audits Lockbox access every quarter and removes grants nobody used.",
        "{person} rotated the {service} database password in Lockbox after {inc}.",
        "Crucible can read Lockbox only through short-lived tokens that expire after {n} minutes.",
    ],
    "Gatehouse": [
        "Gatehouse issues short-lived tokens that Tongs, Foundry and Bellows all accept.",
        "Gatehouse tokens expire after {n} hours; `tongs login` fetches a new one.",
        "Service accounts authenticate to Gatehouse with a client certificate from Lockbox.",
        "{person} moved the Gatehouse login page behind the office VPN after the {inc} review.",
    ],
    "Sprocket": [
        "Sprocket robots in {warehouse} report telemetry to the fleet-gateway every {n} seconds.",
        "Firmware {version} of Sprocket fixed the charger docking bug that {person} found in {warehouse}.",
        "A Sprocket that loses its map stops, blinks amber and waits for the fleet-gateway to resend it.",
        "The {warehouse} site runs {n} Sprocket robots across three shifts.",
        "Sprocket battery health lands in the battery_health dataset in Foundry every night.",
    ],
    "Fleetwise": [
        "Customers see their Sprocket fleet in Fleetwise, which reads the fleet_telemetry ingots from Foundry.",
        "Fleetwise shows the tote throughput of {warehouse} per shift and per robot.",
        "{customer} asked for a Fleetwise export of pick rates, which the Fleet Software team added in {version}.",
        "Fleetwise runs on kiln-prod and is shipped with Anvil like every other service.",
    ],
}


def team_slug(team: str) -> str:
    return team.lower().replace(" ", "-")


class Writer:
    """Fills sentence templates from one seeded generator."""

    def __init__(self, rng: random.Random, company: Company):
        self.rng = rng
        self.company = company

    def slots(self) -> dict[str, str]:
        rng = self.rng
        team = rng.choice(list(TEAMS))
        return {
            "service": rng.choice(SERVICES),
            "dataset": rng.choice(DATASETS),
            "metric": rng.choice(METRICS),
            "warehouse": rng.choice(WAREHOUSES),
            "person": rng.choice(self.company.people).first,
            "team": team,
            "team_slug": team_slug(team),
            "env": rng.choice(["staging", "prod"]),
            "version": self.version(),
            "inc": self.incident_id(),
            "n": str(rng.choice([5, 10, 12, 15, 30, 45, 60, 90])),
            "sha": "".join(rng.choice("0123456789abcdef") for _ in range(7)),
            "customer": rng.choice(self.company.customers).org,
        }

    def version(self) -> str:
        return f"v{self.rng.randrange(1, 4)}.{self.rng.randrange(0, 30)}.{self.rng.randrange(0, 12)}"

    def incident_id(self) -> str:
        return f"INC-{self.rng.randrange(2000, 2999)}"

    def sentence(self, topic: str, **fixed: str) -> str:
        return self.rng.choice(POOLS[topic]).format(**{**self.slots(), **fixed})

    def sentences(self, topic: str, n: int, prefer: tuple[str, ...] = (), **fixed: str) -> list[str]:
        """``n`` different sentences on ``topic``; those mentioning a ``prefer`` keyword come first."""
        pool = POOLS[topic]
        liked = [t for t in pool if any(k in t.lower() for k in prefer)]
        rest = [t for t in pool if t not in liked]
        chosen = self.rng.sample(liked, min(n, len(liked)))
        chosen += self.rng.sample(rest, min(n - len(chosen), len(rest)))
        return [t.format(**{**self.slots(), **fixed}) for t in chosen]

    def paragraph(
        self,
        topic: str,
        n: int = 3,
        with_fact: bool = True,
        fact: Fact | None = None,
        prefer: tuple[str, ...] = (),
    ) -> str:
        """``n`` sentences on ``topic``, plus one of its facts verbatim (``fact``, or a random one)."""
        parts = self.sentences(topic, n, prefer)
        if fact is None and with_fact and FACTS_BY_TOPIC.get(topic):
            fact = self.fact(topic)
        if fact is not None:
            parts.insert(self.rng.randrange(len(parts) + 1), fact.sentence)
        return " ".join(parts)

    def fact(self, topic: str | None = None) -> Fact:
        pool = FACTS_BY_TOPIC[topic] if topic else [f for fs in FACTS_BY_TOPIC.values() for f in fs]
        return self.rng.choice(pool)

    def topic(self) -> str:
        return self.rng.choice(list(POOLS))

    def when(self, day: int, hour: float = 0.0) -> datetime:
        """A moment ``day`` days after the corpus' first day, at office hours plus ``hour``."""
        return EPOCH + timedelta(days=day, hours=hour)


def fill(template: str, **values: str) -> str:
    """Replace ``{{name}}`` markers; code templates keep their own braces untouched."""
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", value)
    if "{{" in template:
        raise KeyError(f"unfilled marker in template: {template[template.index('{{') :][:40]!r}")
    return template
