"""GPU training throughput: tokens/s and MFU of Forge's SFT stage against plain TRL SFTTrainer, for a ~0.5B
dense model and an MoE of similar active size, on the same CUDA device.

    python -m bench.gpu_throughput                        # both models, 30 steps, batch 8 x 1024 tokens
    python -m bench.gpu_throughput --model dense --steps 50 --batch 16

Needs a CUDA GPU: on a machine without one it says so and exits 2, measuring nothing. Both sides
train the same freshly seeded model from config (bf16, SDPA attention) on the same packed text
(``bench.train_corpus``, concatenated and cut into full windows), alternating which side runs
first. tokens/s counts trained tokens over the steps after a warm-up of ``--warmup`` steps (timed
by a callback, so model building and saving are excluded on both sides); MFU is
6 × active parameters × tokens/s over the device's dense bf16 peak (``--peak-tflops``; default from
the device name: H100 989, H200 989, A100 312, L4 121). Reported as one JSON object naming the
device.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from forge_data.config import ModelConfig, SftConfig

PEAK_BF16_TFLOPS = {"H100": 989.0, "H200": 989.0, "A100": 312.0, "L4": 121.0, "A10": 125.0}
# ~0.5B dense (Qwen2.5-0.5B-like) and an MoE with about as many active parameters per token.
MODELS = {
    "dense": dict(
        architecture="dense", hidden_size=1024, intermediate_size=4096, num_layers=24, num_heads=16,
        num_kv_heads=4, max_seq_len=2048, tie_embeddings=True,
    ),
    "moe": dict(
        architecture="moe", hidden_size=1024, intermediate_size=2048, num_layers=24, num_heads=16,
        num_kv_heads=4, max_seq_len=2048, num_experts=8, experts_per_token=2, tie_embeddings=True,
    ),
}  # fmt: skip


def peak_tflops(name: str, override: float | None) -> float | None:
    if override:
        return override
    return next((v for k, v in PEAK_BF16_TFLOPS.items() if k in name), None)


class StepClock:
    """A TrainerCallback timing the steps after warm-up (CUDA-synchronised)."""

    def __init__(self, warmup: int):
        from transformers import TrainerCallback

        clock = self

        class _Callback(TrainerCallback):
            def on_step_end(self, args, state, control, **kwargs):
                import torch

                if state.global_step == warmup:
                    torch.cuda.synchronize()
                    clock.start = time.perf_counter()
                if state.global_step == state.max_steps:
                    torch.cuda.synchronize()
                    clock.end = time.perf_counter()

        self.callback = _Callback()
        self.start = self.end = None


def packed_rows(tokenizer, texts: list[str], seq_len: int) -> list[dict]:
    ids: list[int] = []
    for text in texts:
        ids += tokenizer(text, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    return [{"text": tokenizer.decode(ids[i : i + seq_len])} for i in range(0, len(ids) - seq_len, seq_len)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=["dense", "moe", "both"], default="both")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seq-len", type=int, default=1024)
    parser.add_argument("--bytes", type=int, default=20_000_000)
    parser.add_argument(
        "--peak-tflops", type=float, help="the device's dense bf16 peak, if not known by name"
    )
    args = parser.parse_args()

    import torch

    if not torch.cuda.is_available():
        print(
            "bench.gpu_throughput: no CUDA device; this benchmark measures GPU throughput only",
            file=sys.stderr,
        )
        return 2
    from datasets import Dataset
    from transformers import set_seed
    from trl import SFTConfig, SFTTrainer

    from bench.train_corpus import load_records
    from training.common.reporter import Reporter
    from training.models import build_model, count_parameters
    from training.sft import SftRun
    from training.tokenizer import train_bpe

    device = torch.cuda.get_device_name(0)
    peak = peak_tflops(device, args.peak_tflops)
    quiet = Reporter("bench", stream=open("/dev/null", "w"))  # noqa: SIM115
    results: dict = {"device": device, "peak_bf16_tflops": peak, "steps": args.steps, "warmup": args.warmup}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        texts = [r["text"] for r in load_records(None, args.bytes)]
        tokenizer = train_bpe(texts[:5000], 32000, 2)
        tokenizer.save_pretrained(root / "tok")
        rows = packed_rows(tokenizer, texts, args.seq_len)
        # Forge's SFT stage reads conversations; one user turn and the window as the answer keeps the
        # trained tokens equal to the bare run's packed text.
        conversations = [
            {
                "messages": [
                    {"role": "user", "content": "Continue."},
                    {"role": "assistant", "content": r["text"]},
                ]
            }
            for r in rows
        ]
        from forge_data.datasets import write_dataset

        write_dataset(conversations, root / "sft.jsonl")
        stage = SftConfig(
            max_steps=args.steps, batch_size=args.batch, seq_len=args.seq_len + 32, save_steps=10**6,
            logging_steps=args.steps, assistant_only_loss=False, packing=True, learning_rate=3e-4,
        )  # fmt: skip
        for name in ["dense", "moe"] if args.model == "both" else [args.model]:
            model_cfg = ModelConfig(**MODELS[name])
            set_seed(0)
            params = count_parameters(build_model(model_cfg, tokenizer))
            figures = {"parameters": params}
            for side in ("forge", "bare"):
                clock = StepClock(args.warmup)
                out = root / f"{name}-{side}"
                if side == "forge":
                    from training import sft

                    cfg = SftRun(output_dir=str(out), train_file=str(root / "sft.jsonl"),
                                 tokenizer_dir=str(root / "tok"), model=model_cfg, stage=stage, device="cuda")  # fmt: skip
                    trainer, _, _ = sft.build_trainer(cfg, quiet, conversations, None)
                else:
                    set_seed(0)
                    sft_args = SFTConfig(
                        output_dir=str(out), max_steps=args.steps, per_device_train_batch_size=args.batch,
                        learning_rate=3e-4, bf16=True, packing=True, max_length=args.seq_len,
                        save_strategy="no", report_to="none", disable_tqdm=True, logging_steps=args.steps,
                    )  # fmt: skip
                    trainer = SFTTrainer(
                        model=build_model(model_cfg, tokenizer), args=sft_args,
                        train_dataset=Dataset.from_list(rows), processing_class=tokenizer,
                    )  # fmt: skip
                trainer.add_callback(clock.callback)
                trainer.train()
                timed_steps = args.steps - args.warmup
                tokens = timed_steps * args.batch * args.seq_len
                rate = tokens / (clock.end - clock.start)
                mfu = 6 * params["active"] * rate / (peak * 1e12) if peak else None
                figures[side] = {"tokens_per_s": round(rate), "mfu": round(mfu, 4) if mfu else None}
                del trainer
                torch.cuda.empty_cache()
            figures["ratio_forge_over_trl"] = round(
                figures["forge"]["tokens_per_s"] / figures["bare"]["tokens_per_s"], 3
            )
            results[name] = figures
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
