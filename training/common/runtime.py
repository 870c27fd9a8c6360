"""Process set-up every stage shares: offline mode, seeds, the device, and which rank talks."""

from __future__ import annotations

import os
from typing import Literal

# Set before transformers is imported anywhere: nothing may contact the Hugging Face hub.
OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


def go_offline() -> None:
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    # Telemetry and hub calls on import are network too.
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # Progress bars (shard writing, dataset maps) would bury the figures in the logs.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", "1")


go_offline()


def keep_freed_memory() -> bool:
    """Tell glibc to keep freed memory instead of returning it to the OS after every step.

    A training step frees and re-allocates the same large activation buffers; by default glibc
    unmaps them each time and the next step page-faults them back in. On CPU that costs a fifth of
    the step time for the tiny models (measured in bench/README.md). A no-op off glibc.
    """
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
        return bool(libc.mallopt(M_TRIM_THRESHOLD, 1 << 30) and libc.mallopt(M_MMAP_THRESHOLD, 1 << 30))
    except (OSError, AttributeError):
        return False


def is_main_process() -> bool:
    """Rank 0 under torchrun/accelerate (RANK), or the only process."""
    return int(os.environ.get("RANK", "0")) == 0


def world_size() -> int:
    """Processes in this job: WORLD_SIZE under torchrun, else 1."""
    return int(os.environ.get("WORLD_SIZE", "1"))


def parallel_flags(parallel: Literal["ddp", "fsdp"], device: str) -> dict:
    """Trainer arguments for data parallelism over torchrun's processes; none for one process.

    FSDP is refused on CPU: accelerate's FSDP plugin needs CUDA devices to shard onto, and a
    half-working CPU fallback would only make a GPU recipe's first failure happen later.
    """
    if world_size() == 1:
        return {}
    if parallel == "fsdp":
        if device != "cuda":
            raise ValueError(
                "stage.parallel 'fsdp' needs CUDA GPUs; on CPU use 'ddp' (torchrun with the gloo backend)"
            )
        return {"fsdp": "full_shard auto_wrap", "fsdp_config": {"use_orig_params": True}}
    return {"ddp_backend": "nccl" if device == "cuda" else "gloo", "ddp_find_unused_parameters": False}


def seed_everything(seed: int) -> None:
    from transformers import set_seed

    set_seed(seed)


def resolve_device(device: Literal["auto", "cpu", "cuda"]) -> str:
    import torch

    if device == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("device 'cuda' was asked for but no CUDA device is available")
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def precision_flags(device: str) -> dict[str, bool]:
    """bf16 where the GPU supports it; fp32 on CPU, where bf16 autocast is slower and less exact."""
    import torch

    bf16 = device == "cuda" and torch.cuda.is_bf16_supported()
    return {"bf16": bf16, "fp16": False}
