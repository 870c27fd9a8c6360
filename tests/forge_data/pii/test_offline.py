"""Redaction never touches the network: no model download, no public-suffix-list fetch.

Each check runs in a fresh interpreter whose socket functions record every attempt and
refuse it, with an empty cache folder, so nothing cached earlier can hide an attempt. The
control case shows the harness does catch one: tldextract's module-level extractor, which
Presidio's stock e-mail recognizer uses, tries to fetch the list.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.conftest import REPO, forge_env

HARNESS = textwrap.dedent(
    """
    import json, socket, sys
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(str(args[:1])[:80])
        raise OSError("network disabled by the test")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    {body}
    print(json.dumps({{"attempts": attempts, "result": result}}))
    """
)

REDACT = """
from forge_data.config import PiiConfig
from forge_data.pii import Redactor
r = Redactor(PiiConfig(internal_domains=["acme.internal"]), b"k" * 32)
out = r.redact_texts(["Mail priya.raman@globex.co.uk or ops@acme.internal, see https://u:pw@db.example.com/x"])[0]
result = sorted(e.type for e in out.entities)
"""

STOCK_TLDEXTRACT = """
import tldextract
result = tldextract.extract("priya.raman@globex.co.uk").suffix
"""


def _run(body: str, tmp_path) -> dict:
    env = forge_env(
        HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"), TLDEXTRACT_CACHE=str(tmp_path / "tld")
    )
    env.pop("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", None)
    proc = subprocess.run(
        [sys.executable, "-c", HARNESS.format(body=textwrap.indent(body, ""))],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_redaction_makes_no_network_attempt(tmp_path):
    out = _run(REDACT, tmp_path)
    assert out["attempts"] == []
    assert out["result"] == ["EMAIL_ADDRESS", "EMAIL_ADDRESS", "URL_CREDENTIALS"]


def test_the_harness_catches_an_attempt(tmp_path):
    out = _run(STOCK_TLDEXTRACT, tmp_path)
    assert out["attempts"], "tldextract's default extractor should have tried to fetch the suffix list"
    assert out["result"] == "co.uk"  # it fell back to its snapshot after the refusal


def test_mail_on_private_and_special_use_domains_is_redacted():
    from forge_data.config import PiiConfig
    from forge_data.pii import Redactor

    redactor = Redactor(PiiConfig(), b"k" * 32)
    texts = [
        "write to maria.gonzalez@acme-robotics.example today",
        "bob.smith@corp.local wrote the runbook",
        "pager goes to oncall@mail.internal",
        "the icon is logo@2x.png in assets",
    ]
    found = [[e.type for e in r.entities] for r in redactor.redact_texts(texts)]
    assert found[0] == found[1] == found[2] == ["EMAIL_ADDRESS"]
    assert "EMAIL_ADDRESS" not in found[3]  # an image name is not an address
