"""Hostile and broken inputs: zip bombs, traversal names, links, damage, empty and huge files.

Each becomes a quarantine row with its reason, and the run goes on.
"""

from __future__ import annotations

import io
import os
import stat
import tracemalloc
import zipfile

from forge_data.ingest import Limits

from .conftest import meta, reasons, rows

PAGE = b"# Handbook\n\nHow we deploy the billing service to production, step by step.\n"
BOMB_BYTES = 64 << 20


def write_bomb(path, extra: dict[str, bytes] | None = None) -> None:
    """A zip whose one member inflates to 64 MiB of zeros, written without holding it in memory."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("zeros.txt", "w") as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(BOMB_BYTES >> 20):
                fh.write(chunk)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)


def test_zip_bomb_trips_from_the_directory_without_inflating(tmp_path, ingest):
    wiki = tmp_path / "wiki"
    wiki.mkdir()
    write_bomb(wiki / "export.zip", {"handbook.md": PAGE})
    assert (wiki / "export.zip").stat().st_size < BOMB_BYTES // 100
    # Warm up first: imports and the language model are not the archive's doing.
    (tmp_path / "warm.md").write_bytes(PAGE)
    ingest("wiki", tmp_path / "warm.md")
    tracemalloc.start()
    try:
        result = ingest("wiki", wiki)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reasons(result) == {"export.zip!/zeros.txt": "zip_bomb"}
    assert "export.zip!/handbook.md" in rows(result)
    assert peak < BOMB_BYTES // 4  # never inflated: a fraction of the member's size was ever allocated
    detail = result.quarantine.to_pylist()[0]["detail"]
    assert "inflates" in detail


def test_archive_over_the_inflation_budget_is_rejected_whole(tmp_path, ingest):
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(5):
            zf.writestr(f"page{i}.md", PAGE * 50)
    result = ingest("wiki", path, limits=Limits(max_archive_bytes=10_000))
    assert reasons(result) == {"big.zip": "zip_bomb"}
    assert result.stats["inputs"] == 1


def test_nested_archives_beyond_the_depth_limit(tmp_path, ingest):
    data = PAGE
    name = "deep.md"
    for level in range(5):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(name, data)
            zf.writestr(f"level{level}.md", PAGE)
        data, name = buf.getvalue(), f"nest{level}.zip"
    (tmp_path / "outer.zip").write_bytes(data)
    result = ingest("wiki", tmp_path / "outer.zip", limits=Limits(max_depth=3))
    bad = reasons(result)
    assert list(bad.values()) == ["zip_bomb"]
    assert next(iter(bad)).count("!/") == 3  # the archive three levels down is the one refused
    assert {u.rsplit("/", 1)[-1] for u in rows(result)} == {"level4.md", "level3.md", "level2.md"}


def test_traversal_names_links_and_encrypted_members_are_refused(tmp_path, ingest):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../../etc/x.md", PAGE)
        zf.writestr("/abs/path.md", PAGE)
        link = zipfile.ZipInfo("docs/link.md")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("secret.md", PAGE)
        zf.writestr("docs/ok.md", PAGE)
    data = bytearray(buf.getvalue())
    # Mark "secret.md" as encrypted (general purpose flag bit 0) in its central directory record,
    # the way a password-protected zip arrives; zipfile cannot write one itself.
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_len = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + name_len] == b"secret.md":
            data[at + 8] |= 0x1
        at = data.find(b"PK\x01\x02", at + 4)
    (tmp_path / "export.zip").write_bytes(bytes(data))
    result = ingest("wiki", tmp_path / "export.zip")
    assert reasons(result) == {
        "export.zip!/../../etc/x.md": "path_traversal",
        "export.zip!//abs/path.md": "path_traversal",
        "export.zip!/docs/link.md": "symlink",
        "export.zip!/secret.md": "encrypted",
    }
    assert list(rows(result)) == ["export.zip!/docs/ok.md"]
    assert not (tmp_path.parent / "etc").exists()


def test_truncated_zip_is_corrupt(tmp_path, ingest):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.md", PAGE * 100)
    wiki = tmp_path / "wiki"
    wiki.mkdir()
    (wiki / "cut.zip").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    (wiki / "fine.md").write_bytes(PAGE)
    result = ingest("wiki", wiki)
    assert reasons(result) == {"cut.zip": "corrupt"}
    assert "fine.md" in rows(result)


def test_links_empty_huge_and_excluded_files(tmp_path, ingest):
    wiki = tmp_path / "wiki"
    (wiki / "sub").mkdir(parents=True)
    (wiki / "page.md").write_bytes(PAGE)
    (wiki / "empty.md").write_bytes(b"")
    (wiki / "huge.md").write_bytes(PAGE * 100)
    (wiki / "draft.md").write_bytes(PAGE)
    (wiki / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (wiki / "data.bin").write_bytes(b"just some text with an unknown extension\n")
    outside = tmp_path / "outside.md"
    outside.write_bytes(b"# Not part of the wiki\n")
    os.symlink(outside, wiki / "escape.md")
    os.symlink("/etc", wiki / "etc-dir")
    os.symlink(wiki / "page.md", wiki / "sub" / "alias.md")
    result = ingest("wiki", wiki, max_file_bytes=1000, exclude=["draft.md"])
    assert reasons(result) == {
        "empty.md": "empty",
        "huge.md": "too_large",
        "escape.md": "symlink_outside",
        "etc-dir": "symlink_outside",
        "sub/alias.md": "symlink",
        "photo.png": "binary",
        "data.bin": "unsupported_format",
    }
    assert list(rows(result)) == ["page.md"]
    assert result.stats["excluded_by_config"] == 1
    assert result.stats["inputs"] == 8
    assert "Not part of the wiki" not in result.records.column("text").to_pylist()[0]
    assert meta(rows(result)["page.md"])["title"] == "Handbook"


def test_strings_arrow_cannot_store_are_repaired_not_fatal(tmp_path, ingest):
    chat = tmp_path / "slack"
    (chat / "general").mkdir(parents=True)
    (chat / "channels.json").write_text('[{"id": "C1", "name": "general"}]')
    # A lone surrogate escape, as broken emoji handling leaves in real exports.
    (chat / "general/2024-01-01.json").write_text(
        '[{"type": "message", "user": "U1", "text": "ship it \\ud83d now", "ts": "1704100000.1"}]'
    )
    result = ingest("chat", chat)
    assert result.records.column("text").to_pylist()[0].endswith("ship it \ufffd now")
    assert result.stats["repaired_strings"] == {"records": 1}

    wiki = tmp_path / "wiki"
    wiki.mkdir()
    os.close(os.open(bytes(wiki) + b"/caf\xe9.md", os.O_CREAT | os.O_WRONLY))  # a Latin-1 file name
    with open(bytes(wiki) + b"/caf\xe9.md", "wb") as fh:
        fh.write(PAGE)
    assert list(rows(ingest("wiki", wiki))) == ["caf\\xe9.md"]


def test_member_lying_about_its_size_is_cut_off_and_corrupt(tmp_path, ingest):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("liar.md", PAGE * 2000)  # 150 kB that will claim to be 100 bytes
        zf.writestr("honest.md", PAGE)
    data = bytearray(buf.getvalue())
    at = data.find(b"PK\x01\x02")
    while at != -1:  # central directory: uncompressed size at offset 24
        name_len = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + name_len] == b"liar.md":
            data[at + 24 : at + 28] = (100).to_bytes(4, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    (tmp_path / "a.zip").write_bytes(bytes(data))
    result = ingest("wiki", tmp_path / "a.zip")
    assert reasons(result) == {"a.zip!/liar.md": "corrupt"}
    assert list(rows(result)) == ["a.zip!/honest.md"]
