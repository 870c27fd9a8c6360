"""Generate the sample company from a shell: ``python -m forge_data.sample OUT [--seed 7] [--scale 1]``.

Prints the manifest's counts as JSON; with ``--project`` also writes ``OUT/forge.yaml``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import generate_sample_company, write_project_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m forge_data.sample", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="new or empty folder")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--project", action="store_true", help="also write OUT/forge.yaml")
    args = parser.parse_args(argv)
    try:
        manifest = generate_sample_company(args.out, seed=args.seed, scale=args.scale)
    except (FileExistsError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.project:
        write_project_file(manifest, args.out / "forge.yaml")
    print(json.dumps({"out": str(args.out), "head": manifest.git["head"], **manifest.counts}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
