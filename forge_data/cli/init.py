"""forge init: write a validated, commented forge.yaml from a plain-English goal."""

from __future__ import annotations

import argparse
from pathlib import Path

from forge_data.cli.common import CliError
from forge_data.config import load
from forge_data.init import plan_project, render

ORDER = 5


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "init",
        help="write a forge.yaml from a plain-English description",
        description='Example: forge init "a customer-service assistant that knows our product docs and follows '
        'our security rules". Rule-based and offline; every choice is explained in a comment.',
    )
    p.add_argument("description", help="what the model is for, in plain English")
    p.add_argument("--out", type=Path, default=Path("forge.yaml"), help="default: ./forge.yaml")
    p.add_argument("--name", default=None, help="project name (default: the output folder's name)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> dict:
    if args.out.exists() and not args.force:
        raise CliError(f"{args.out} exists; pass --force to overwrite it")
    try:
        plan = plan_project(args.description)
    except ValueError as err:
        raise CliError(str(err)) from None
    name = args.name or args.out.resolve().parent.name.lower().replace(" ", "-") or "forge"
    text = render(plan, project_name=name)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    load(args.out)  # what we wrote must load exactly as a user's run will load it
    return {
        "written": str(args.out),
        "matched": plan.matched,
        "decisions": {d.path: d.reason for d in plan.decisions},
        "next": f"fill in the source paths in {args.out}, then: forge run {args.out}",
    }
