"""The sample repository is a real git repository with real history and real special files."""

from __future__ import annotations

import ast
import json
import re
import struct
import subprocess
import tomllib
import zlib

import yaml


def git(sample, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=sample.path("repo"), capture_output=True, text=True, check=True
    ).stdout


def test_history_has_the_recorded_commits(sample):
    shas = git(sample, "rev-list", "--reverse", "HEAD").split()
    assert shas == [c["sha"] for c in sample.git["commits"]]
    assert len(shas) >= 5
    assert git(sample, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    dates = git(sample, "log", "--format=%aI").split()
    assert all(d.startswith("2024-") for d in dates)


def test_a_commit_modifies_files_and_a_later_one_deletes_one(sample):
    statuses = [
        git(sample, "show", "--name-status", "--format=", sha)
        for sha in git(sample, "rev-list", "HEAD").split()
    ]
    modified = [line for s in statuses for line in s.splitlines() if line.startswith("M\t")]
    deleted = [line.split("\t")[1] for s in statuses for line in s.splitlines() if line.startswith("D\t")]
    assert modified
    assert deleted == ["scripts/legacy_deploy.sh"]
    first = sample.git["commits"][0]["sha"]
    assert "kubectl" in git(sample, "show", f"{first}:scripts/legacy_deploy.sh")
    assert not sample.path("repo/scripts/legacy_deploy.sh").exists()
    assert sample.special_files["deleted"] == ["repo/scripts/legacy_deploy.sh"]


def test_ignored_files_exist_but_are_not_tracked(sample):
    tracked = set(git(sample, "ls-files").splitlines())
    ignored = [p.removeprefix("repo/") for p in sample.special_files["ignored"]]
    assert ".env" in ignored and any(p.startswith("build/") for p in ignored)
    for rel in ignored:
        assert sample.path("repo/" + rel).is_file()
        assert rel not in tracked
        assert git(sample, "check-ignore", rel).strip() == rel
    assert git(sample, "status", "--porcelain") == ""


def test_code_in_three_languages_with_docstrings(sample):
    tracked = git(sample, "ls-files").splitlines()
    by_ext = {ext: [p for p in tracked if p.endswith(ext)] for ext in (".py", ".go", ".ts")}
    assert all(len(files) >= 5 for files in by_ext.values()), {k: len(v) for k, v in by_ext.items()}
    documented = 0
    for rel in by_ext[".py"]:
        tree = ast.parse(sample.path("repo/" + rel).read_text())
        defs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        documented += sum(ast.get_docstring(n) is not None for n in defs)
    assert documented >= 30
    go = sample.path("repo/tools/tongs/cmd/doctor.go").read_text()
    assert go.startswith("package cmd") and "// doctorCmd" in go
    assert "/**" in sample.path("repo/web/bellows/src/api/client.ts").read_text()


def test_same_function_is_copied_between_two_services(sample):
    (pair,) = [p for p in sample.exact_duplicates if p.unit == "function"]
    name = pair.a.locator.removeprefix("function=")

    def source(loc):
        text = sample.path(loc.file).read_text()
        node = next(n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.FunctionDef) and n.name == name)
        return ast.get_source_segment(text, node)

    assert pair.a.file != pair.b.file
    assert source(pair.a) == source(pair.b)
    assert sample.path(pair.a.file).read_text() != sample.path(pair.b.file).read_text()


def test_png_is_a_real_png(sample):
    (rel,) = sample.special_files["binary"]
    data = sample.path(rel).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc
        chunks.append((kind, body))
        pos += 12 + length
    assert [k for k, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, color = struct.unpack(">IIBB", chunks[0][1][:10])
    assert len(zlib.decompress(chunks[1][1])) == height * (1 + width * 4) and (depth, color) == (8, 6)


def test_vendored_minified_file_has_very_long_lines(sample):
    (rel,) = sample.special_files["minified"]
    assert rel in sample.special_files["vendored"] and "/vendor/" in rel
    lines = sample.path(rel).read_text().splitlines()
    assert max(map(len, lines)) > 20_000


def test_lockfiles_parse_as_their_tools_write_them(sample):
    locks = {p.rsplit("/", 1)[1]: sample.path(p) for p in sample.special_files["lockfile"]}
    npm = json.loads(locks["package-lock.json"].read_text())
    assert npm["lockfileVersion"] == 3 and "node_modules/react" in npm["packages"]
    assert all(v["integrity"].startswith("sha512-") for k, v in npm["packages"].items() if k)
    poetry = tomllib.loads(locks["poetry.lock"].read_text())
    assert poetry["metadata"]["lock-version"] == "2.0" and poetry["package"]
    gosum = [p for p in sample.special_files["lockfile"] if p.endswith("go.sum")]
    for rel in gosum:
        for line in sample.path(rel).read_text().splitlines():
            assert re.fullmatch(r"\S+ v\S+ h1:[A-Za-z0-9+/]{43}=", line), line


def test_config_file_holds_a_fake_aws_key(sample):
    cloud = yaml.safe_load(sample.path("repo/config/cloud.yaml").read_text())["aws"]
    assert re.fullmatch(r"AKIA[0-9A-Z]{12}FAKE", cloud["access_key_id"])
    planted = {s.value for s in sample.secrets if s.file == "repo/config/cloud.yaml"}
    assert {cloud["access_key_id"], cloud["secret_access_key"]} <= planted
