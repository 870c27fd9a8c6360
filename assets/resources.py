"""Resources: each an interface with a local variant (the embedded default) and a production one.

- :class:`ForgeProject` — the project file and the state folder it names.
- :class:`VersionStoreResource` — :class:`EmbeddedStoreResource` (git-backed, one machine) or
  :class:`LakeFSStoreResource` (a team's lakeFS; credentials only from the environment).
- :class:`TrainingLauncher` — :class:`LocalTrainingLauncher` (a subprocess through Dagster Pipes),
  :class:`TorchrunTrainingLauncher` (several processes per node under torchrun) or
  :class:`K8sTrainingLauncher` (a pod per training program, Pipes over the pod's logs; dagster-k8s).
"""

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import dagster as dg

from forge_data.config import ForgeConfig, load
from forge_data.store import VersionStore
from forge_data.workspace import Workspace

REPO_ROOT = Path(__file__).resolve().parents[1]


class ForgeProject(dg.ConfigurableResource):
    """The project file (forge.yaml); everything else is derived from it."""

    config_path: str

    def config(self) -> ForgeConfig:
        return load(self.config_path)

    def workspace(self) -> Workspace:
        return Workspace(self.config().state_dir)


class VersionStoreResource(dg.ConfigurableResource):
    """Opens the version store that runs write to and training reads from."""

    def open(self) -> VersionStore:
        raise NotImplementedError


class EmbeddedStoreResource(VersionStoreResource):
    """The embedded store: a git repository in the project's state folder; no server."""

    path: str
    main_branch: str = "main"

    def open(self) -> VersionStore:
        from forge_data.store.embedded import EmbeddedStore

        return EmbeddedStore(Path(self.path), main=self.main_branch)


class LakeFSStoreResource(VersionStoreResource):
    """A lakeFS repository. Bind the credentials with ``dg.EnvVar`` so they never sit in config."""

    endpoint: str
    access_key_id: str
    secret_access_key: str
    repository: str
    storage_namespace: str | None = None
    main_branch: str = "main"

    def open(self) -> VersionStore:
        from forge_data.store.lakefs_store import LakeFSStore

        return LakeFSStore(
            repository=self.repository,
            endpoint=self.endpoint,
            access_key_id=self.access_key_id,
            secret_access_key=self.secret_access_key,
            storage_namespace=self.storage_namespace,
            main=self.main_branch,
        )


def store_resource_for(cfg: ForgeConfig) -> VersionStoreResource:
    if cfg.store.backend == "lakefs":
        return LakeFSStoreResource(
            endpoint=dg.EnvVar("LAKEFS_ENDPOINT"),
            access_key_id=dg.EnvVar("LAKEFS_ACCESS_KEY_ID"),
            secret_access_key=dg.EnvVar("LAKEFS_SECRET_ACCESS_KEY"),
            repository=cfg.store.repository,
            storage_namespace=cfg.store.storage_namespace,
            main_branch=cfg.store.main_branch,
        )
    return EmbeddedStoreResource(path=str(cfg.resolve(cfg.store.path)), main_branch=cfg.store.main_branch)


class TrainingLauncher(dg.ConfigurableResource):
    """Runs one ``training/`` program outside the orchestrator's process and reports back via Pipes."""

    def command(self, module: str, config_path: Path) -> list[str]:
        raise NotImplementedError

    def launch(
        self,
        context: dg.AssetExecutionContext,
        module: str,
        config: dict[str, Any],
        workdir: Path,
        extras: dict[str, Any] | None = None,
    ) -> dg.MaterializeResult:
        workdir.mkdir(parents=True, exist_ok=True)
        config_path = workdir / "config.json"
        config_path.write_text(json.dumps(config, indent=2, sort_keys=True, default=str))
        invocation = self.invoke(context, self.command(module, config_path), extras or {})
        return invocation.get_materialize_result()

    def program_env(self, repo_root: str) -> dict[str, str]:
        """What a training program's environment adds, wherever it runs."""
        return {
            "PYTHONPATH": repo_root,
            # Training never reaches a model hub: bases are local folders or GGUF files.
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "TOKENIZERS_PARALLELISM": "false",
        }

    def invoke(self, context: dg.AssetExecutionContext, command: list[str], extras: dict[str, Any]):
        env = self.program_env(os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])))
        client = dg.PipesSubprocessClient(env=env, cwd=str(REPO_ROOT))
        return client.run(context=context, command=command, extras=extras)


class LocalTrainingLauncher(TrainingLauncher):
    """One process on this machine (CPU or its GPUs)."""

    python: str = sys.executable

    def command(self, module: str, config_path: Path) -> list[str]:
        return [self.python, "-m", module, "--config", str(config_path)]


def torchrun_command(exe: str, nproc_per_node: int, nnodes: int, module: str, config_path: Path) -> list[str]:
    return [
        exe,
        f"--nproc-per-node={nproc_per_node}",
        f"--nnodes={nnodes}",
        "--standalone" if nnodes == 1 else "--rdzv-backend=c10d",
        "-m",
        module,
        "--config",
        str(config_path),
    ]


class TorchrunTrainingLauncher(TrainingLauncher):
    """Several processes per node under torchrun (DDP or FSDP, chosen by the training config)."""

    nproc_per_node: int = 2
    nnodes: int = 1
    torchrun: str = ""

    def command(self, module: str, config_path: Path) -> list[str]:
        exe = self.torchrun or shutil.which("torchrun") or str(Path(sys.executable).with_name("torchrun"))
        return torchrun_command(exe, self.nproc_per_node, self.nnodes, module, config_path)


class K8sTrainingLauncher(TrainingLauncher):
    """Each training program in its own Kubernetes pod, reporting back through Pipes (dagster-k8s).

    The image holds this repository at ``repo_path``; the project's state folder is a volume claim
    mounted at the same path as on the orchestrating side, so the config the asset writes and the
    model the program writes are where both expect them. See deploy/k8s/ and docs/deployment.md.
    """

    image: str
    state_claim: str
    state_path: str
    namespace: str = "forge"
    repo_path: str = "/opt/forge"
    gpus: int = 1
    nproc_per_node: int = 1
    service_account: str | None = None
    load_incluster_config: bool | None = None

    def command(self, module: str, config_path: Path) -> list[str]:
        if self.nproc_per_node > 1:
            return torchrun_command("torchrun", self.nproc_per_node, 1, module, config_path)
        return ["python", "-m", module, "--config", str(config_path)]

    def pod_spec(self) -> dict[str, Any]:
        """The base pod spec: the state volume, the GPUs and the node pool that has them."""
        resources = {"limits": {"nvidia.com/gpu": str(self.gpus)}} if self.gpus else {}
        spec: dict[str, Any] = {
            "restart_policy": "Never",
            "volumes": [{"name": "state", "persistent_volume_claim": {"claim_name": self.state_claim}}],
            "containers": [
                {
                    "name": "training",
                    "working_dir": self.repo_path,
                    "volume_mounts": [{"name": "state", "mount_path": self.state_path}],
                    "resources": resources,
                }
            ],
        }
        if self.gpus:
            spec["tolerations"] = [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
        if self.service_account:
            spec["service_account_name"] = self.service_account
        return spec

    def invoke(self, context: dg.AssetExecutionContext, command: list[str], extras: dict[str, Any]):
        from dagster_k8s import PipesK8sClient

        client = PipesK8sClient(load_incluster_config=self.load_incluster_config)
        return client.run(
            context=context,
            image=self.image,
            command=command,
            namespace=self.namespace,
            env=self.program_env(self.repo_path),
            base_pod_spec=self.pod_spec(),
            extras=extras,
        )
