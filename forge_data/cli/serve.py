"""forge serve: an OpenAI-compatible /v1/chat/completions and /v1/completions for a model, on 127.0.0.1."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any

from forge_data.cli.common import CliError

ORDER = 80

_EPILOG = """\
MODEL is a model folder (HF format: config.json, *.safetensors, tokenizer files) or a registry
entry NAME or NAME/VERSION (the newest active version without one), looked up in the registry
of --registry or of the project file's state folder.

examples:
  forge serve acme-robotics-sample --config forge.yaml --port 8000
  forge serve state/registry/acme/v2
  curl -s 127.0.0.1:8000/v1/chat/completions -d '{"messages": [{"role": "user", "content": "Who owns ledgerd?"}]}'
"""


def register(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "serve",
        help="serve a model over an OpenAI-compatible API on 127.0.0.1",
        description=__doc__,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("model", metavar="MODEL", help="a model folder, or a registry NAME[/VERSION]")
    p.add_argument(
        "--config", type=Path, default=Path("forge.yaml"), help="the project file, for its registry"
    )
    p.add_argument("--registry", type=Path, help="a registry folder (instead of the project's)")
    p.add_argument("--port", type=int, default=8000, help="the port on 127.0.0.1 (default 8000; 0 picks one)")
    p.set_defaults(func=run)
    return p


def resolve_model(spec: str, registry: Path | None, config: Path) -> tuple[Path, str]:
    """(model folder, the name it is served under) for a folder or a registry reference."""
    folder = Path(spec)
    if (folder / "config.json").is_file():
        return folder, folder.name
    if registry is None:
        if not config.is_file():
            raise CliError(f"{spec}: not a model folder, and no project file at {config} to find a registry")
        from forge_data.config import load
        from forge_data.workspace import Workspace

        registry = Workspace(load(config).state_dir).registry
    from forge_data.registry import RegistryError, get_model

    name, _, version = spec.partition("/")
    try:
        entry = get_model(registry, name, version or None)
    except RegistryError as err:
        raise CliError(f"{spec}: not a model folder, and {err}") from None
    return Path(entry.path), entry.ref


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)


def run(args: argparse.Namespace) -> None:
    if not 0 <= args.port <= 65535:
        raise CliError(f"--port {args.port}: not a port number")
    folder, name = resolve_model(args.model, args.registry, args.config)
    from training.serve import make_server

    try:
        httpd = make_server(folder, args.port, name)
    except OSError as err:
        raise CliError(f"cannot listen on 127.0.0.1:{args.port}: {err.strerror or err}") from None
    # A server must stop on SIGTERM. A parent that ran Dagster in-process (a test runner, a script
    # without job control) can hand this process SIGTERM ignored: Dagster maps SIGTERM to SIGINT's
    # handler, which is "ignore" in a background job, and ignored signals survive exec.
    signal.signal(signal.SIGTERM, _stop)
    host, port = httpd.server_address[:2]
    print(f"forge serve: {name} on http://{host}:{port}/v1 (Ctrl-C stops it)", file=sys.stderr, flush=True)
    try:
        httpd.serve_forever()
    finally:
        httpd.server_close()
