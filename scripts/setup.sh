#!/usr/bin/env bash
# Creates .venv and installs Forge with every pinned dependency.
# torch goes first and pinned: pip then takes the local CPU wheel instead of
# pulling several GB of CUDA packages through an unpinned transitive requirement.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

# The UI test (tests/ui) drives Debian's chromium through Playwright, which never downloads a
# browser itself. Install it where apt can (CI runs as root); without it that one test skips.
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
      || echo "setup: chromium could not be installed; the browser test will skip" >&2
  else
    echo "setup: no chromium (install Debian's chromium as root); the browser test will skip" >&2
  fi
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
. .venv/bin/activate
stamp=.venv/.forge-installed
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
python -m pip install --quiet --upgrade pip wheel setuptools
python -m pip install --quiet torch==2.13.0
python -m pip install --quiet -c constraints.txt -e ".[dev,team]"
echo "$want" > "$stamp"
