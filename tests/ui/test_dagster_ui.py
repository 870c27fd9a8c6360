"""The steward's UI: headless Chromium against `dagster dev` on 127.0.0.1, after a real pipeline run.

A small project (a git repository, a wiki with personal data in it, a mail export) is curated and
published on a persistent Dagster instance; `dagster dev` then serves that instance, and the
browser opens the asset graph and the staged dataset's checks. Screenshots go to test-artifacts/.

Needs Debian's chromium (scripts/setup.sh installs it where apt is available); skips without one.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import dagster as dg
import pytest
import yaml

from tests.conftest import REPO
from tests.sensors.conftest import project  # noqa: F401  (the small project fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CURATION_ASSETS = [
    "raw_records",
    "filtered_records",
    "deduplicated_records",
    "redacted_records",
    "code_units",
    "staged_dataset",
    "published_dataset",
]
# The graph folds asset groups by default; this unfolds ours.
EXPANDED = [f"global@global:{group}" for group in ("ingest", "curate", "version")]
CHECKS = ["schema_conforms", "nothing_lost", "quarantine_rate", "duplicate_rate", "no_residual_pii"]
PII_PAGE = """# On-call contacts

Escalate ledger incidents to Maria Gonzalez (maria.gonzalez@acme-robotics.com, +1 415 555 0134).
Her employee badge is on file with facilities.
"""


def chromium() -> str | None:
    for candidate in (os.environ.get("FORGE_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def shows(label: str, name: str) -> bool:
    """A graph node's label names the asset; long names are cut in the middle ("deduplica…_records")."""
    head, _, tail = label.partition("…")
    return label == name or (bool(tail) and name.startswith(head) and name.endswith(tail))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dagster dev exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    raise TimeoutError(f"{url} did not answer within {seconds:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """Stop dagster dev and its children: its own process group, by its id."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends: dagster dev shuts its children down
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def sensor_skip_reason(page, base: str) -> None:
    """The sensors are listed, and the new-data sensor's latest tick shows why it skipped (nothing changed)."""
    page.goto(f"{base}/automation")
    for name in ("new_source_data", "curate_after_ingest", "store_main_changed", "nightly_curation"):
        page.get_by_text(name, exact=True).first.wait_for()
    page.get_by_text("new_source_data", exact=True).first.click()
    # The daemon ticks the sensor soon after start; a tick's status shows its skip reason on hover.
    status = page.locator("table span[data-tooltip='0 runs requested']").first
    from playwright.sync_api import TimeoutError as NotYet

    for _ in range(8):
        try:
            status.wait_for(timeout=10_000)
            break
        except NotYet:
            page.reload()
    status.hover()
    page.get_by_text("no new data in 3 watched sources").first.wait_for(timeout=10_000)
    page.screenshot(path=str(ARTIFACTS / "ui-sensor-skip-reason.png"))


def dismiss_prompts(page) -> None:
    """Dagster asks a fresh browser profile to join its newsletter, at a moment of its choosing; say no
    whenever the dialog stands in the way of an action, so it hides nothing and blocks no hover."""
    page.add_locator_handler(page.get_by_role("button", name="Skip"), lambda skip: skip.click())


def steward_pages(page, base: str) -> None:
    """The asset graph, the staged dataset's checks and the redacted records, as a steward opens them."""
    page.goto(f"{base}/asset-groups?expanded=" + ",".join(EXPANDED))
    nodes = page.locator("[class*='AssetNode_assetName']")
    nodes.nth(len(CURATION_ASSETS) - 1).wait_for()
    # Materialized assets are drawn green once their status has loaded: wait for all of ours.
    page.locator("[style*='--color-background-green']").nth(len(CURATION_ASSETS) - 1).wait_for()
    labels = nodes.all_inner_texts()
    missing = [name for name in CURATION_ASSETS if not any(shows(label, name) for label in labels)]
    assert not missing, f"not in the asset graph: {missing} (labels: {labels})"
    page.screenshot(path=str(ARTIFACTS / "ui-asset-graph.png"))
    graph = page.inner_text("body")
    assert all(group in graph for group in ("ingest", "curate", "version"))

    page.goto(f"{base}/assets/staged_dataset?view=checks")
    for check in CHECKS:
        page.get_by_text(check, exact=True).first.wait_for()
    page.get_by_text("Passed", exact=True).first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "ui-staged-dataset-checks.png"))
    text = page.inner_text("body")
    assert text.count("Succeeded") >= len(CHECKS)  # the latest result of every check
    assert "This is a blocking asset check." in text
    assert "published_dataset does not run and main stays as it was" in text

    page.goto(f"{base}/assets/redacted_records")
    page.get_by_text("redacted_samples", exact=True).first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "ui-redacted-records.png"), full_page=True)
    text = page.inner_text("body")
    assert "pii_by_type" in text and "EMAIL_ADDRESS" in text and "<PERSON_" in text
    assert "Maria Gonzalez" not in text and "maria.gonzalez@acme-robotics.com" not in text
    assert "data-stewards" in text and "presidio" in text  # owners and kinds


@pytest.fixture
def materialized(project, tmp_path, monkeypatch):  # noqa: F811
    """The small project curated and published on a persistent instance in DAGSTER_HOME."""
    from assets.runner import prepare_dagster_home, run_pipeline
    from forge_data.config import load

    (project.wiki / "on-call.md").write_text(PII_PAGE)
    project.write()  # keep_current defaults: the sensors run, quietly, in the daemon
    data = yaml.safe_load(project.config.read_text())
    data["training"] = {"enabled": False}
    project.config.write_text(yaml.safe_dump(data, sort_keys=False))

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    home = prepare_dagster_home(load(project.config).state_dir)
    with dg.DagsterInstance.get() as instance:
        summary = run_pipeline(project.config, instance=instance)
    assert summary["ok"], summary["problems"]
    return project.config, home


def test_a_steward_sees_the_asset_graph_and_the_blocking_checks(materialized, tmp_path):
    executable = chromium()
    if executable is None:
        pytest.skip("no chromium found (install Debian's chromium: apt-get install -y chromium)")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    config, home = materialized
    port = free_port()
    env = dict(
        os.environ,
        DAGSTER_HOME=str(home),
        FORGE_CONFIG=str(config),
        PYTHONPATH=str(REPO),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    log = (tmp_path / "dagster-dev.log").open("w")
    dagster = str(Path(sys.executable).with_name("dagster"))
    server = subprocess.Popen(
        [dagster, "dev", "-m", "definitions", "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group (what `set -m` gives a shell job)
    )
    base = f"http://127.0.0.1:{port}"
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        wait_for(f"{base}/server_info", 180, server)
        with sync_playwright() as p:
            browser = p.chromium.launch_persistent_context(
                str(tmp_path / "chromium-profile"),
                executable_path=executable,
                args=CHROMIUM_FLAGS,
                headless=True,
                viewport={"width": 1600, "height": 1000},
            )
            page = browser.new_page()
            page.set_default_timeout(120_000)
            dismiss_prompts(page)

            try:
                steward_pages(page, base)
                sensor_skip_reason(page, base)
            except Exception:
                page.screenshot(path=str(ARTIFACTS / "ui-failure.png"))
                raise
            browser.close()
    finally:
        stop(server)
        log.close()
