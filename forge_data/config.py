"""The project file (forge.yaml): validated, with errors that name the bad field.

Paths in the file are relative to the file's own folder. Every section has
defaults that suit the bundled sample company, so a project file only needs
its sources.
"""

from __future__ import annotations

import hashlib
import json
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
    name: str
    entity: str
    patterns: list[str] = Field(min_length=1)
    score: float = Field(0.8, gt=0, le=1)
    context: list[str] = Field(default_factory=list)


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
    secret_env: str = Field("FORGE_PSEUDONYM_KEY", description="Env var holding the pseudonym HMAC key.")


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
    base: str | None = Field(
        None, description="Extend this tokenizer (folder or .gguf) instead of training one."
    )
    min_frequency: int = Field(2, ge=1)
    domain_terms: int = Field(256, ge=0, description="With base: how many mined domain terms to add.")


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
    tie_embeddings: bool = Field(
        True, description="Share input embeddings and LM head (saves params at tiny sizes)."
    )
    lora_rank: int = Field(0, ge=0, description="0 trains all weights; >0 trains LoRA adapters.")
    lora_alpha: int = Field(16, ge=1)
    lora_dropout: float = Field(0.0, ge=0, lt=1)

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
    lr_scheduler: Literal["cosine", "linear", "constant_with_warmup"] = "cosine"
    warmup_ratio: float = Field(0.05, ge=0, lt=1)
    weight_decay: float = Field(0.0, ge=0)
    max_grad_norm: float = Field(1.0, gt=0)
    seq_len: int = Field(256, ge=16)
    logging_steps: int = Field(10, ge=1)
    save_steps: int = Field(
        50, ge=1, description="Checkpoint cadence; a killed run resumes from the last one."
    )
    gradient_checkpointing: bool = Field(False, description="Trade compute for memory on large models.")


class CptConfig(StageConfig):
    max_steps: int = Field(300, ge=1)
    learning_rate: float = Field(2e-3, gt=0)
    mix: dict[Literal["code", "doc", "chat"], float] = Field(
        default_factory=lambda: {"code": 0.4, "doc": 0.4, "chat": 0.2}
    )
    packing_strategy: Literal["wrapped", "bfd_split"] = Field(
        "wrapped",
        description="wrapped: concatenate and cut (plain batches); bfd_split: whole documents, padding-free.",
    )

    @field_validator("mix")
    @classmethod
    def _positive(cls, mix: dict[str, float]) -> dict[str, float]:
        if any(w < 0 for w in mix.values()) or sum(mix.values()) <= 0:
            raise ValueError("mixing weights must be non-negative with a positive sum")
        return mix


class SftConfig(StageConfig):
    max_steps: int = Field(60, ge=1)
    learning_rate: float = Field(5e-4, gt=0)
    assistant_only_loss: bool = Field(True, description="Learn the answers only, not the questions.")
    packing: bool = False
    include_docs: bool = Field(True, description="Add question-answer pairs derived from doc sections.")
    max_answer_chars: int = Field(1200, ge=40)


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
    sft: SftConfig = SftConfig()
    dpo: DpoConfig = DpoConfig()
    grpo: GrpoConfig = GrpoConfig()


class EvalConfig(_Section):
    acceptance: str | None = Field(None, description="JSONL of {prompt, required, forbidden}.")
    gate: float = Field(0.95, ge=0, le=1, description="Acceptance pass rate a model needs to register.")
    holdout_fraction: float = Field(0.05, gt=0, lt=0.5)
    max_new_tokens: int = Field(32, ge=1)
    canaries: str | None = Field(
        None, description="JSONL of {canary[, prefix]} planted in raw data, for the audit."
    )
    decontamination_n: int = Field(13, ge=4, description="Word n-gram size for eval-vs-train overlap.")
    max_eval_tokens: int = Field(100_000, ge=256, description="Cap on held-out tokens scored for perplexity.")
    sample_prompts: list[str] = Field(
        default_factory=list, description="Prompts whose generations are shown."
    )


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
