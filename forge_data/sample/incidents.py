"""Incidents that the wiki, Slack and mail all talk about, so one INC id recurs across sources."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from .company import SERVICES, Company, Person
from .prose import DATASETS, EPOCH, METRICS

CAUSES = [
    ("a schema change in {dataset} sent every row to the slag queue", "replayed the slag queue after fixing the schema check"),
    ("an expired Gatehouse signing key made every token look invalid", "rotated the signing key in Lockbox and restarted Gatehouse"),
    ("a billet built from a stale Crucible cache shipped an old dependency", "quenched {service} to the previous billet"),
    ("a node pool on kiln-prod ran out of memory during a spark", "quenched {service} and added two nodes to the pool"),
    ("a Lockbox outage stopped new pods of {service} from reading their secrets", "failed Lockbox over to its standby"),
    ("a retry storm from {service} clients overloaded the Foundry API", "shipped a billet with jittered backoff"),
    ("a Sprocket firmware bug flooded the fleet-gateway with reconnects", "paused the firmware rollout and quenched fleet-gateway"),
    ("the temper was set to 0 minutes in anvil.yaml, so a bad spark was promoted at once", "quenched {service} and restored the 20 minute temper"),
]  # fmt: skip


ACTIONS = [
    "Add a Bellows alert on the {metric} of {service} that fires before customers notice",
    "Add a schema check to {dataset} so bad rows go to the slag queue instead of failing the job",
    "Make Anvil refuse an anvil.yaml with a temper shorter than 20 minutes",
    "Document the quench steps for {service} in its runbook",
    "Rotate the {service} credentials in Lockbox and remove the old ones",
    "Add a `tongs doctor` check that catches this on laptops",
    "Run a game day on kiln-staging that replays this failure",
    "Page the owning team directly from Hearth for {service} alerts",
]
SERVICE_TOPIC = {
    "foundry-api": "Foundry", "anvil-server": "Anvil", "hearth-pager": "Hearth",
    "bellows-web": "Bellows", "fleet-gateway": "Sprocket", "gatehouse": "Gatehouse",
}  # fmt: skip


@dataclass
class Incident:
    id: str
    service: str
    metric: str
    env: str
    severity: str
    start: datetime
    minutes: int
    commander: Person
    responders: list[Person]
    cause: str
    fix: str
    dataset: str

    @property
    def topic(self) -> str:
        """The product whose pool of sentences fits this incident's service."""
        return SERVICE_TOPIC[self.service]

    def actions(self, rng: random.Random, count: int) -> list[str]:
        picked = rng.sample(ACTIONS, count)
        return [a.format(metric=self.metric, service=self.service, dataset=self.dataset) for a in picked]

    @property
    def cluster(self) -> str:
        return f"kiln-{self.env}"

    @property
    def title(self) -> str:
        return f"{self.id}: {self.service} {self.metric} on {self.cluster}"

    def at(self, minutes: int) -> datetime:
        return self.start + timedelta(minutes=minutes)

    def timeline(self) -> list[tuple[int, str]]:
        """(minute offset, event) pairs, in the voice of a postmortem."""
        c, r = self.commander, self.responders
        ack = min(self.minutes // 4, 9 if self.severity == "SEV1" else 20)
        return [
            (0, f"Bellows alert `{self.metric}` fired for {self.service} on {self.cluster}."),
            (1, f"Hearth opened {self.id} ({self.severity}) and paged {c.name}."),
            (ack, f"{c.name} acknowledged the page in Hearth and became incident commander."),
            (ack + 3, f"{r[0].name} found that {self.cause}."),
            (self.minutes - 6, f"{r[-1].name} {self.fix}."),
            (
                self.minutes,
                f"The {self.metric} of {self.service} was back to normal; {c.name} resolved {self.id}.",
            ),
        ]


def make_incidents(rng: random.Random, company: Company, count: int) -> list[Incident]:
    ids = rng.sample(range(2300, 2999), count)
    out = []
    for i, num in enumerate(sorted(ids)):
        service = rng.choice(SERVICES)
        cause, fix = rng.choice(CAUSES)
        dataset = rng.choice(DATASETS)
        fmt = {"service": service, "dataset": dataset}
        day = 3 + i * max(1, 50 // count) + rng.randrange(3)
        people = rng.sample(company.people, 3)
        out.append(
            Incident(
                id=f"INC-{num}",
                service=service,
                metric=rng.choice(METRICS),
                env="prod" if rng.random() < 0.75 else "staging",
                severity=rng.choice(["SEV1", "SEV2", "SEV2", "SEV3"]),
                start=EPOCH + timedelta(days=day, hours=rng.randrange(0, 9), minutes=rng.randrange(60)),
                minutes=rng.randrange(25, 140),
                commander=people[0],
                responders=people[1:],
                cause=cause.format(**fmt),
                fix=fix.format(**fmt),
                dataset=dataset,
            )
        )
    return out
