"""Does redaction leave anything for the residual check? The sample company, one pass against the default.

    python -m bench.pii_converge [--keys 5] [--scale 1]

Builds the bundled sample company in a temporary folder, ingests, filters and deduplicates it
through the pipeline's steps, then redacts the kept records with several pseudonym keys (the
key decides every placeholder's tag), each time twice, interleaved: in one pass
(``max_passes: 1``) and with the default passes. Each output is re-scanned as the blocking
check does, at the redaction threshold and at the check's. Reported per variant: records,
entities, findings added by later passes, residual findings, and the median time.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from forge_data.config import ForgeConfig, load
from forge_data.pii import Redactor
from forge_data.pii.pseudonyms import Pseudonymizer
from forge_data.sample import generate_sample_company, write_project_file
from forge_data.steps import curate, ingest
from forge_data.workspace import Workspace


def deduplicated_sample(root: Path, scale: int = 1) -> tuple[ForgeConfig, Workspace]:
    """The sample company under ``root``, ingested, filtered and deduplicated by the pipeline's steps."""
    manifest = generate_sample_company(root / "sample", scale=scale)
    cfg = load(write_project_file(manifest, root / "sample" / "forge.yaml"))
    ws = Workspace(cfg.state_dir)
    for source in cfg.sources:
        ingest.ingest(cfg, ws, source.name)
    curate.filter_records(cfg, ws)
    curate.deduplicate(cfg, ws)
    return cfg, ws


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keys", type=int, default=5)
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        cfg, ws = deduplicated_sample(Path(tmp), args.scale)
        records = curate.kept_records(ws)
    pii, check = cfg.curation.pii, cfg.checks.residual_pii_threshold
    variants = {
        "one pass (max_passes 1)": Redactor(pii.model_copy(update={"max_passes": 1}), b"x" * 32),
        f"default (max_passes {pii.max_passes})": Redactor(pii, b"x" * 32),
    }
    rows: dict[str, dict[str, list]] = {
        name: {"s": [], "refound": [], "low": [], "high": []} for name in variants
    }
    entities: dict[str, int] = {}
    for k in range(args.keys):
        key = f"bench-converge-key-{k:04d}-0123456789".encode()
        for name, redactor in variants.items():
            redactor.pseudonyms = Pseudonymizer(key, pii.policy)
            t = time.perf_counter()
            table, stats = redactor.redact_table(records)
            rows[name]["s"].append(time.perf_counter() - t)
            residual = redactor.scan_residual(table, threshold=pii.score_threshold)
            rows[name]["refound"].append(stats["refound"])
            rows[name]["low"].append(len(residual))
            rows[name]["high"].append(sum(f["score"] >= check for f in residual))
            entities[name] = stats["entities"]

    print(
        f"{records.num_rows} records, {args.keys} keys, thresholds: redaction {pii.score_threshold}, check {check}\n"
    )
    print(
        f"| variant | entities (last key) | added by later passes | keys with residual findings at "
        f"{pii.score_threshold} / {check} | residual findings, all keys | median s |\n|---|---:|---:|---:|---:|---:|"
    )
    for name, r in rows.items():
        print(
            f"| {name} | {entities[name]} | {sum(r['refound'])} | {sum(x > 0 for x in r['low'])} / "
            f"{sum(x > 0 for x in r['high'])} | {sum(r['low'])} | {statistics.median(r['s']):.2f} |"
        )
    one, default = (statistics.median(r["s"]) for r in rows.values())
    print(f"\ndefault / one pass: {default / one:.2f}")


if __name__ == "__main__":
    main()
