"""A generated sample company and a project file with a training recipe small enough for CI."""

from pathlib import Path

import pytest
import yaml

from forge_data.sample import generate_sample_company, write_project_file

TINY_TRAINING = {
    "seed": 0,
    "device": "cpu",
    "tokenizer": {"vocab_size": 512},
    "model": {"hidden_size": 32, "intermediate_size": 64, "num_layers": 1, "num_heads": 2, "num_kv_heads": 1},
    "stages": {
        "cpt": {"max_steps": 6, "batch_size": 4, "seq_len": 64},
        "sft": {"max_steps": 3, "batch_size": 2, "seq_len": 64},
        "dpo": {"enabled": False},
        "grpo": {"enabled": False},
    },
}


def write_variant(base: Path, out: Path, **overrides) -> Path:
    """The sample's forge.yaml with some sections replaced, written next to the sample."""
    data = yaml.safe_load(base.read_text())
    for section, value in overrides.items():
        if isinstance(value, dict) and isinstance(data.get(section), dict):
            data[section] = {**data[section], **value}
        else:
            data[section] = value
    out.write_text(yaml.safe_dump(data, sort_keys=False))
    return out


@pytest.fixture(scope="session")
def sample_company(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("company")
    manifest = generate_sample_company(root / "sample")
    return write_project_file(manifest, root / "forge.yaml")
