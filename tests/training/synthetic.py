"""A small synthetic company for training tests: docs with headings, Python code, chat threads.

Deterministic from a seed. The text is templated and repetitive on purpose, so a tiny model can
learn it in a few dozen steps and tests can tell "learned" from "did not".
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from forge_data.schema import make_record

SERVICES = ["ledgerd", "quasarbus", "frobnicator", "tallyhub", "orbitvault", "zephyrqueue"]
TEAMS = ["payments", "platform", "billing", "search"]
ACTIONS = ["deploys", "restarts", "rotates the keys of", "scales", "drains", "reindexes"]
GLOSSARY = ["ledgerd", "quasarbus", "frobnicator", "tallyhub"]


def _sentence(rng: random.Random) -> str:
    svc, other = rng.sample(SERVICES, 2)
    return (
        f"The {rng.choice(TEAMS)} team {rng.choice(ACTIONS)} {svc} before {other} "
        f"so that the {svc} queue stays below {rng.randint(2, 9)}00 messages."
    )


def doc_text(rng: random.Random, title: str) -> str:
    parts = [f"# {title}", " ".join(_sentence(rng) for _ in range(3))]
    for heading in rng.sample(["Deployment", "Rollback", "Monitoring", "Ownership", "Alerts"], 3):
        parts += [f"## {heading}", " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))]
    return "\n\n".join(parts)


def code_text(rng: random.Random, svc: str) -> str:
    n = rng.randint(2, 9)
    return (
        f'"""Client for {svc}."""\n\nimport {svc}_sdk\n\n\n'
        f"def frobnicate_{svc}(batch, retries={n}):\n"
        f'    """Send a batch to {svc} and retry {n} times."""\n'
        f"    client = {svc}_sdk.connect(queue='{svc}-main')\n"
        f"    for attempt in range(retries):\n"
        f"        if client.send(batch):\n"
        f"            return attempt\n"
        f"    raise RuntimeError('{svc} is down')\n"
    )


def thread_turns(rng: random.Random, svc: str) -> list[dict]:
    t0 = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=rng.randint(0, 5000))
    asker, answerer, third = rng.sample(["u1", "u2", "u3", "u4"], 3)
    turns = [
        (asker, f"How do I restart {svc} safely?"),
        (asker, "It is stuck since this morning."),
        (answerer, f"Drain {svc} first, then restart it; the {rng.choice(TEAMS)} team owns it."),
        (third, f"And check that the {svc} queue is below {rng.randint(2, 9)}00 messages."),
        (asker, "Thanks!"),
    ]
    return [
        {"speaker": s, "time": t0 + timedelta(minutes=i), "text": text} for i, (s, text) in enumerate(turns)
    ]


def company_records(n_docs: int = 40, n_code: int = 30, n_threads: int = 30, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n_docs):
        svc = SERVICES[i % len(SERVICES)]
        title = f"{svc} runbook {i}"
        rows.append(
            make_record(
                kind="doc", source="wiki", uri=f"wiki/{svc}-{i}.md", title=title, text=doc_text(rng, title)
            )
        )
    for i in range(n_code):
        svc = SERVICES[i % len(SERVICES)]
        rows.append(
            make_record(
                kind="code",
                source="git",
                uri=f"repo/{svc}_{i}.py",
                language="python",
                text=code_text(rng, svc),
            )
        )
    for i in range(n_threads):
        turns = thread_turns(rng, SERVICES[i % len(SERVICES)])
        text = "\n".join(f"{t['speaker']}: {t['text']}" for t in turns)
        rows.append(make_record(kind="chat", source="chat", uri=f"chat/ops/{i}", text=text, turns=turns))
    return rows


def heldout_texts(n: int = 12, seed: int = 99) -> list[dict]:
    """Fresh domain text the model never trained on (a different seed)."""
    rng = random.Random(seed)
    return [{"text": doc_text(rng, f"{SERVICES[i % len(SERVICES)]} notes"), "id": f"h{i}"} for i in range(n)]


GENERIC = (
    "It was a bright cold day in April, and the clocks were striking thirteen. The river ran past the old "
    "mill where children played every summer afternoon, and the baker sold bread to the neighbours."
)


def feedback_pairs(n: int = 24, seed: int = 0) -> list[dict]:
    """Preference pairs: the chosen answer is the company's way (and names the service), the rejected one is not."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        svc = SERVICES[i % len(SERVICES)]
        rows.append(
            {
                "prompt": f"How do I restart {svc} safely?",
                "chosen": f"Drain {svc} first, then restart it; the {rng.choice(TEAMS)} team owns it.",
                "rejected": "Just reboot the whole cluster and hope for the best.",
            }
        )
    return rows


def grpo_prompts(n: int = 24, seed: int = 0) -> list[dict]:
    """Prompts with reference answers, in the shape of forge.yaml's training.stages.grpo.prompts file."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        svc = SERVICES[i % len(SERVICES)]
        rows.append(
            {
                "prompt": f"The {rng.choice(TEAMS)} team {rng.choice(ACTIONS)}",
                "reference": f"Drain {svc} first, then restart it.",
            }
        )
    return rows
