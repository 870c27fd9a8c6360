"""Which executor runs a job's steps, chosen by FORGE_EXECUTOR when the code location loads.

- unset or ``multiprocess``: Dagster's default (a process per step on this machine; the embedded default).
- ``celery``: steps go to Celery workers through a broker (``dagster-celery``, the ``team`` extra).
  ``FORGE_CELERY_BROKER`` names the broker and ``FORGE_CELERY_BACKEND`` the result backend
  (``rpc://`` if unset); both are read by Dagster from the environment at launch, so a password in
  a URL never lands in the run's config. ``FORGE_CELERY_QUEUE`` picks the queue (``dagster``).
- ``k8s``: each step in its own Kubernetes job (``dagster-k8s``); image, namespace and resources
  come from the K8sRunLauncher of the instance (deploy/k8s/).

Workers must load the same code location and the same instance (deploy/dagster.postgres.yaml).
"""

import os
from collections.abc import Mapping

import dagster as dg

EXECUTORS = ("multiprocess", "celery", "k8s")


def executor_from_env(env: Mapping[str, str] | None = None) -> dg.ExecutorDefinition | None:
    """The executor FORGE_EXECUTOR names; None keeps Dagster's default."""
    env = os.environ if env is None else env
    name = env.get("FORGE_EXECUTOR", "").strip().lower() or "multiprocess"
    if name not in EXECUTORS:
        raise ValueError(f"FORGE_EXECUTOR={name!r}: expected one of {', '.join(EXECUTORS)}")
    if name == "celery":
        from dagster_celery import celery_executor

        if not env.get("FORGE_CELERY_BROKER"):
            raise ValueError("FORGE_EXECUTOR=celery needs FORGE_CELERY_BROKER (e.g. pyamqp://host:5672//)")
        backend = {"env": "FORGE_CELERY_BACKEND"} if env.get("FORGE_CELERY_BACKEND") else "rpc://"
        return celery_executor.configured(
            {
                "broker": {"env": "FORGE_CELERY_BROKER"},
                "backend": backend,
                "config_source": {"task_default_queue": env.get("FORGE_CELERY_QUEUE", "dagster")},
            },
            name="celery",
        )
    if name == "k8s":
        from dagster_k8s import k8s_job_executor

        return k8s_job_executor
    return None
