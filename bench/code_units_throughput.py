"""Code-unit extraction throughput (MB/s) against bare tree-sitter parsing of the same files.

    python -m bench.code_units_throughput [--mb 4]

Files: real sources of the installed packages (Python modules, C headers of numpy, C++ headers
of pyarrow, non-minified JavaScript), up to ``--mb`` megabytes per language. Bare parsing is
``Parser.parse`` alone; extraction is ``extract_units`` on records of the same files (parse,
query, names, signatures, docstrings, the units table). Best of 3 for each.
"""

from __future__ import annotations

import argparse
import json
import sysconfig
from pathlib import Path

from bench.dedup_speed import best_of
from forge_data.code import extract_units
from forge_data.code.languages import parser
from forge_data.schema import make_record, records_table

SITE = Path(sysconfig.get_paths()["purelib"])
SOURCES = {
    "python": (SITE, "*.py", None),
    "c": (SITE / "numpy", "*.h", None),
    "cpp": (SITE / "pyarrow" / "include", "*.h", None),
    "javascript": (SITE, "*.js", ".min.js"),
}


def files_for(language: str, limit_bytes: int) -> list[tuple[str, str]]:
    root, pattern, exclude = SOURCES[language]
    out, total = [], 0
    for path in sorted(root.rglob(pattern)):
        if exclude and path.name.endswith(exclude):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if not text.strip() or max(map(len, text.splitlines()), default=0) > 1000:
            continue  # minified bundles measure the grammar, not units
        out.append((str(path.relative_to(SITE)), text))
        total += len(text.encode())
        if total >= limit_bytes:
            break
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=4)
    args = ap.parse_args()
    report = {}
    for language in SOURCES:
        files = files_for(language, int(args.mb * 1e6))
        if not files:
            report[language] = {"error": "no files found"}
            continue
        blobs = [t.encode() for _, t in files]
        mb = sum(map(len, blobs)) / 1e6
        records = records_table(
            make_record(kind="code", source="bench", uri=uri, text=text, language=language)
            for uri, text in files
        )
        p = parser(language)
        bare = best_of(lambda: [p.parse(b) for b in blobs])  # noqa: B023
        units_time = best_of(lambda: extract_units(records))  # noqa: B023
        units, stats = extract_units(records)
        report[language] = {
            "files": len(files),
            "mb": round(mb, 2),
            "bare_parse_mb_s": round(mb / bare, 2),
            "extract_units_mb_s": round(mb / units_time, 2),
            "extract_vs_bare": round(bare / units_time, 3),
            "units": units.num_rows,
            "syntax_error_rate": stats["syntax_error_rate"].get(language),
        }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
