"""The Kubernetes path, checked as far as it can be without a cluster: the instance file validates
against Dagster's schema and the K8sRunLauncher's, every manifest and the training pod spec are
valid Kubernetes objects (unknown or misspelt fields fail), and the launcher's commands."""

from pathlib import Path

import pytest
import yaml

from assets.resources import K8sTrainingLauncher
from tests.conftest import REPO

k8s = pytest.importorskip("kubernetes", reason="the team extra (dagster-k8s) is not installed")

K8S = REPO / "deploy" / "k8s"


def _check_model(data, type_name: str, where: str) -> None:
    """``data`` (camelCase, as in a manifest) against the Kubernetes model ``type_name``."""
    if type_name.startswith("list["):
        assert isinstance(data, list), where
        for i, item in enumerate(data):
            _check_model(item, type_name[5:-1], f"{where}[{i}]")
        return
    if type_name.startswith("dict("):
        assert isinstance(data, dict), where
        return
    model = getattr(k8s.client, type_name, None)
    if model is None:  # str, int, bool, object
        return
    assert isinstance(data, dict), f"{where}: expected a mapping for {type_name}"
    by_json = {json_key: attr for attr, json_key in model.attribute_map.items()}
    unknown = set(data) - set(by_json)
    assert not unknown, f"{where}: {type_name} has no field(s) {sorted(unknown)}"
    for key, value in data.items():
        _check_model(value, model.openapi_types[by_json[key]], f"{where}.{key}")


def test_manifests_are_valid_kubernetes_objects():
    docs = [d for d in yaml.safe_load_all((K8S / "workloads.yaml").read_text()) if d]
    kinds = {"PersistentVolumeClaim": "V1PersistentVolumeClaim", "Deployment": "V1Deployment", "Service": "V1Service", "ConfigMap": "V1ConfigMap"}  # fmt: skip
    assert sorted(d["kind"] for d in docs) == sorted(["PersistentVolumeClaim", "Deployment", "Deployment", "Deployment", "Service", "ConfigMap"])  # fmt: skip
    for doc in docs:
        _check_model(doc, kinds[doc["kind"]], f"{doc['kind']}/{doc['metadata']['name']}")
    workspace = yaml.safe_load(next(d for d in docs if d["kind"] == "ConfigMap")["data"]["workspace.yaml"])
    assert workspace["load_from"][0]["grpc_server"]["port"] == 4000
    with pytest.raises(AssertionError, match="has no field"):  # the checker does catch a typo
        _check_model({"spec": {"replica": 1}}, "V1Deployment", "typo")


def test_instance_file_validates(tmp_path: Path, monkeypatch):
    from dagster._config import process_config
    from dagster._core.instance.config import dagster_instance_config
    from dagster_k8s import K8sRunLauncher

    for name in ["HOST", "PORT", "DB", "USERNAME", "PASSWORD"]:
        monkeypatch.setenv(f"DAGSTER_PG_{name}", "5432" if name == "PORT" else "x")
    (tmp_path / "dagster.yaml").write_text((K8S / "dagster.yaml").read_text())
    config, _ = dagster_instance_config(str(tmp_path))  # raises on anything Dagster does not know
    launcher = config["run_launcher"]
    assert (launcher["module"], launcher["class"]) == ("dagster_k8s", "K8sRunLauncher")
    result = process_config(K8sRunLauncher.config_type(), launcher["config"])
    assert result.success, result.errors
    # The same concurrency rules as the PostgreSQL deployment it extends.
    postgres = yaml.safe_load((REPO / "deploy" / "dagster.postgres.yaml").read_text())
    assert config["concurrency"] == postgres["concurrency"]


def test_training_pod_spec_and_commands():
    from dagster_k8s.models import k8s_model_from_dict

    launcher = K8sTrainingLauncher(
        image="registry.example.com/forge:1", state_claim="forge-state", state_path="/srv/forge", gpus=8,
        nproc_per_node=8, service_account="forge-runs",
    )  # fmt: skip
    spec = k8s_model_from_dict(k8s.client.V1PodSpec, launcher.pod_spec())  # strict: unknown keys raise
    assert spec.containers[0].resources.limits == {"nvidia.com/gpu": "8"}
    assert spec.volumes[0].persistent_volume_claim.claim_name == "forge-state"
    assert spec.containers[0].volume_mounts[0].mount_path == "/srv/forge"
    config = Path("/srv/forge/training/cpt/abc/config.json")
    assert launcher.command("training.cpt", config) == [
        "torchrun", "--nproc-per-node=8", "--nnodes=1", "--standalone", "-m", "training.cpt", "--config", str(config),
    ]  # fmt: skip
    one = K8sTrainingLauncher(image="i", state_claim="c", state_path="/s", gpus=0)
    assert one.command("training.sft", config)[:3] == ["python", "-m", "training.sft"]
    cpu_only = k8s_model_from_dict(k8s.client.V1PodSpec, one.pod_spec())
    assert cpu_only.tolerations is None and not cpu_only.containers[0].resources.limits
    assert launcher.program_env("/opt/forge")["PYTHONPATH"] == "/opt/forge"
