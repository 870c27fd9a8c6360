"""`forge init`: from a plain-English goal to a validated, commented forge.yaml.

A rule-based mapping, no network: each rule looks for a few phrases in the description and, when
it matches, makes a decision about the project (a source to fill in, a stage to run, a threshold)
with the reason in words. The rendered file carries each reason as a comment beside the setting
it explains, so a person (or an agent) can read why every choice was made and change it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from forge_data.config import ForgeConfig, parse


@dataclass
class Decision:
    path: str  # dotted path in forge.yaml, e.g. "training.stages.sft.enabled"
    value: Any
    reason: str


@dataclass
class Plan:
    description: str
    decisions: list[Decision] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)

    def decide(self, path: str, value: Any, reason: str) -> None:
        self.decisions = [d for d in self.decisions if d.path != path]
        self.decisions.append(Decision(path, value, reason))


# Each rule: a name, the phrases that trigger it, and what it decides.
_RULES: list[tuple[str, tuple[str, ...]]] = [
    ("support", ("customer", "support", "service", "helpdesk", "help desk", "assistant", "answer", "faq")),
    ("docs", ("doc", "wiki", "manual", "knowledge", "handbook", "confluence", "notion", "guide")),
    ("code", ("code", "repo", "developer", "engineer", "programming", "copilot", "api", "sdk")),
    ("chat", ("chat", "slack", "discord", "mattermost", "conversation", "thread")),
    ("mail", ("mail", "inbox", "mbox")),
    ("security", ("security", "secure", "secret", "compliance", "privacy", "pii", "confidential", "rules")),
    ("terminology", ("terminology", "our product", "product", "brand", "jargon", "glossary", "terms")),
    ("feedback", ("feedback", "preference", "rating", "thumbs", "review")),
    ("moe", ("mixture of experts", "mixture-of-experts", "moe", "experts")),
    ("large", ("gpu", "large", "production-scale", "billion")),
]


def _matches(text: str, phrases: tuple[str, ...]) -> bool:
    return any(re.search(r"\b" + re.escape(p), text) for p in phrases)


def plan_project(description: str) -> Plan:
    text = " ".join(description.lower().split())
    if not text:
        raise ValueError("describe what the model is for, e.g. 'a support assistant that knows our docs'")
    plan = Plan(description=description.strip())
    plan.matched = [name for name, phrases in _RULES if _matches(text, phrases)]
    hit = set(plan.matched)

    sources = []
    if "docs" in hit or "support" in hit or not hit & {"code", "chat", "mail"}:
        sources.append(("wiki", "wiki", "path/to/wiki-export", "the goal mentions documentation or support"))
    if "code" in hit:
        sources.append(("code", "git", "path/to/repository", "the goal mentions code"))
    if "chat" in hit or "support" in hit:
        sources.append(
            ("chat", "chat", "path/to/slack-export", "support conversations teach the answering style")
        )
    if "mail" in hit:
        sources.append(("mail", "chat", "path/to/archive.mbox", "the goal mentions mail"))
    plan.decide(
        "sources",
        [{"name": n, "kind": k, "path": p} for n, k, p, _ in sources],
        "fill in the paths; " + "; ".join(f"{n}: {why}" for n, _, _, why in sources),
    )

    mix = {"doc": 0.5, "code": 0.2, "chat": 0.3}
    if "code" in hit and not hit & {"docs", "support"}:
        mix = {"code": 0.7, "doc": 0.2, "chat": 0.1}
    elif "code" in hit:
        mix = {"code": 0.4, "doc": 0.4, "chat": 0.2}
    plan.decide(
        "training.stages.cpt.mix", mix, "continued pretraining mixes sources toward what the goal needs"
    )

    conversational = bool(hit & {"support", "chat"})
    plan.decide(
        "training.stages.sft.enabled",
        conversational or "docs" in hit,
        "SFT on chat threads and doc question-answer pairs teaches the model to answer"
        if conversational or "docs" in hit
        else "no conversational goal found",
    )
    plan.decide(
        "training.stages.dpo.enabled",
        "feedback" in hit,
        "preference pairs from your feedback log (set training.stages.dpo.feedback)"
        if "feedback" in hit
        else "enable once you have a feedback file of chosen/rejected answers",
    )

    criteria = [{"name": "correct_answer", "kind": "correct_answer", "weight": 1.0}]
    reasons = ["a correct answer is the main reward"]
    if "terminology" in hit or "support" in hit:
        criteria.append({"name": "terminology", "kind": "terminology", "weight": 0.5})
        reasons.append("using the company's own terms")
    if "security" in hit:
        criteria.append({"name": "security", "kind": "security", "weight": 0.3})
        reasons.append("following security rules (no secrets or PII in answers)")
    criteria.append({"name": "length_overrun", "kind": "length_overrun", "weight": -0.5})
    criteria.append({"name": "hallucination", "kind": "hallucination", "weight": -1.0})
    criteria.append({"name": "degenerate", "kind": "degenerate", "weight": -1.0})
    rl = bool(hit & {"security", "terminology", "support"})
    plan.decide(
        "training.stages.grpo.enabled",
        rl,
        "GRPO rewards the scorecard's criteria" if rl else "no behavioural rules found to reinforce",
    )
    plan.decide("scorecard.criteria", criteria, "; ".join(reasons))
    plan.decide("scorecard.glossary", [], "list your product, team and internal tool names here")

    if "security" in hit:
        plan.decide("curation.pii.score_threshold", 0.35, "security matters: redact on weaker evidence")
        plan.decide(
            "checks.residual_pii_threshold", 0.5, "security matters: a stricter re-scan before publishing"
        )
    plan.decide("curation.pii.allow_list", [], "your product and team names, so they are not redacted as PII")
    plan.decide(
        "training.eval.acceptance",
        "acceptance.jsonl",
        'write acceptance tests as JSON lines {"prompt", "required": [...], "forbidden": [...]}',
    )
    plan.decide("training.eval.gate", 0.95, "a model registers only when 95% of acceptance tests pass")

    if "large" in hit:
        model = {
            "hidden_size": 1024,
            "intermediate_size": 2816,
            "num_layers": 16,
            "num_heads": 16,
            "num_kv_heads": 4,
        }
        plan.decide("training.model", model, "the goal mentions GPUs or scale: a ~0.3B-parameter model")
    if "moe" in hit:
        plan.decide("training.model.architecture", "moe", "the goal asks for a mixture of experts")
    return plan


def _nested(decisions: list[Decision]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for d in decisions:
        node = root
        *parents, leaf = d.path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        if isinstance(d.value, dict) and isinstance(node.get(leaf), dict):
            node[leaf].update(d.value)
        else:
            node[leaf] = d.value
    return root


def render(plan: Plan, project_name: str = "forge") -> str:
    """The project file as YAML, each decided setting preceded by its reason."""
    data = {"project": {"name": project_name, "state_dir": "state"}, **_nested(plan.decisions)}
    validate_plan(data)
    reasons = {d.path: d.reason for d in plan.decisions}
    lines = [
        "# forge.yaml written by `forge init` from:",
        f"#   {plan.description}",
        "# Every choice below is explained in the comment above it; change any of them.",
        "# Fill in the source paths, then run: forge run forge.yaml",
    ]
    lines += _render_node(data, [], reasons)
    return "\n".join(lines) + "\n"


def _render_node(node: dict[str, Any], prefix: list[str], reasons: dict[str, str]) -> list[str]:
    out: list[str] = []
    indent = "  " * len(prefix)
    for key, value in node.items():
        path = ".".join([*prefix, key])
        if path in reasons:
            out.append(f"{indent}# {reasons[path]}")
        if isinstance(value, dict) and value and path not in reasons:
            out.append(f"{indent}{key}:")
            out += _render_node(value, [*prefix, key], reasons)
        else:
            dumped = yaml.safe_dump({key: value}, sort_keys=False, default_flow_style=False).rstrip("\n")
            out += [indent + line for line in dumped.splitlines()]
    return out


def validate_plan(data: dict[str, Any]) -> ForgeConfig:
    return parse(data, where="forge init")
