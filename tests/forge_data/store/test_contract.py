"""The version-store contract: one suite, run against the embedded store always and against
lakeFS when LAKEFS_ENDPOINT is set (see docs/lakefs.md)."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

from forge_data.store import (
    Conflict,
    DirtyBranch,
    InvalidName,
    NoChanges,
    NotFound,
    StoreError,
    read_dataset,
    read_table,
    write_table,
)


def changes(items) -> list[tuple[str, str]]:
    return sorted((c.path, c.type) for c in items)


def commit_files(store, branch: str, files: dict[str, bytes | None], message: str = "change"):
    for path, data in files.items():
        if data is None:
            store.delete(branch, path)
        else:
            store.write(branch, path, data)
    return store.commit(branch, message)


def test_a_new_store_has_main_with_its_first_commit_only(store):
    assert store.list_branches() == ["main"]
    assert store.list("main") == []
    history = store.log("main")
    assert len(history) == 1
    assert history[0].parents == ()
    assert store.head("main") == history[0].id


def test_branches_are_created_listed_and_deleted(store):
    head = store.head("main")
    created = store.create_branch("run-1", "main")
    assert created.id == head
    assert store.list_branches() == ["main", "run-1"]
    with pytest.raises(Conflict):
        store.create_branch("run-1", "main")
    assert store.create_branch("run-1", "main", exist_ok=True).id == head
    with pytest.raises(NotFound):
        store.create_branch("run-2", "no-such-ref")
    store.delete_branch("run-1")
    assert store.list_branches() == ["main"]
    with pytest.raises(NotFound):
        store.delete_branch("run-1")
    with pytest.raises(StoreError):
        store.delete_branch("main")
    assert store.list_branches() == ["main"]


def test_a_branch_made_from_a_branch_starts_at_its_committed_head(store):
    store.create_branch("a", "main")
    first = commit_files(store, "a", {"x": b"1"})
    store.write("a", "staged-only", b"2")
    store.create_branch("b", "a")
    assert store.head("b") == first.id
    assert store.read("b", "x") == b"1"
    with pytest.raises(NotFound):
        store.read("b", "staged-only")


def test_staged_writes_are_visible_on_their_branch_only(store):
    store.create_branch("b1", "main")
    store.create_branch("b2", "main")
    info = store.write("b1", "data/x.bin", b"payload")
    assert (info.path, info.size_bytes) == ("data/x.bin", 7)
    assert info.checksum
    assert store.read("b1", "data/x.bin") == b"payload"
    for ref in ("main", "b2", store.head("b1")):
        with pytest.raises(NotFound):
            store.read(ref, "data/x.bin")
    assert [o.path for o in store.list("b1")] == ["data/x.bin"]
    assert store.list("b2") == []
    assert store.has_uncommitted("b1")
    assert not store.has_uncommitted("b2")
    assert not store.has_uncommitted("main")


def test_a_commit_carries_message_metadata_and_parent(store):
    store.create_branch("b1", "main")
    before = store.head("b1")
    store.write("b1", "data/part-0000.parquet", b"rows")
    meta = {"run_id": "run-42", "config_hash": "3f2a9c", "code_version": "abc123", "records": "10"}
    made = store.commit("b1", "ingest run-42", meta)
    assert made.message == "ingest run-42"
    assert made.metadata == meta
    assert made.parents == (before,)
    assert store.get_commit(made.id) == made
    assert store.get_commit("b1") == made
    assert [c.id for c in store.log("b1")] == [made.id, before]
    assert store.log("b1", limit=1) == [made]
    assert not store.has_uncommitted("b1")
    assert store.read(made.id, "data/part-0000.parquet") == b"rows"


def test_a_commit_with_nothing_staged_raises_no_changes(store):
    store.create_branch("b1", "main")
    head = store.head("b1")
    with pytest.raises(NoChanges):
        store.commit("b1", "empty")
    assert store.head("b1") == head


def test_any_path_reads_at_branch_tag_and_commit(store):
    store.create_branch("b1", "main")
    first = commit_files(store, "b1", {"cfg.json": b"v1"})
    store.create_tag("release-1", "b1")
    second = commit_files(store, "b1", {"cfg.json": b"v2"})
    store.write("b1", "cfg.json", b"v3")
    assert store.read("b1", "cfg.json") == b"v3"
    assert store.read("release-1", "cfg.json") == b"v1"
    assert store.read(first.id, "cfg.json") == b"v1"
    assert store.read(second.id, "cfg.json") == b"v2"
    assert store.exists("release-1", "cfg.json")
    assert not store.exists("release-1", "other.json")


def test_list_filters_by_prefix_and_reports_sizes(store):
    store.create_branch("b1", "main")
    files = {"a/1": b"x" * 10, "a/2": b"y" * 20, "ab": b"z", "b/1": b"x" * 10}
    for path, data in files.items():
        store.write("b1", path, data)
    staged = store.list("b1")
    store.commit("b1", "files")
    committed = store.list("b1")
    for listing in (staged, committed):
        assert [(o.path, o.size_bytes) for o in listing] == [(p, len(d)) for p, d in sorted(files.items())]
    assert [o.path for o in store.list("b1", "a/")] == ["a/1", "a/2"]
    assert [o.path for o in store.list("b1", "a")] == ["a/1", "a/2", "ab"]
    assert store.list("b1", "c/") == []
    by_path = {o.path: o.checksum for o in committed}
    assert by_path["a/1"] == by_path["b/1"] != by_path["a/2"]


def test_diff_reports_added_removed_and_changed_paths(store):
    store.create_branch("b1", "main")
    old = commit_files(store, "b1", {"d/keep": b"k", "d/change": b"1", "d/remove": b"r", "e/other": b"o"})
    new = commit_files(store, "b1", {"d/change": b"2", "d/remove": None, "d/new": b"n"})
    assert changes(store.diff(old.id, new.id)) == [
        ("d/change", "changed"),
        ("d/new", "added"),
        ("d/remove", "removed"),
    ]
    assert changes(store.diff(new.id, old.id)) == [
        ("d/change", "changed"),
        ("d/new", "removed"),
        ("d/remove", "added"),
    ]
    assert changes(store.diff(old.id, "b1", prefix="d/n")) == [("d/new", "added")]
    assert changes(store.diff("main", "b1", prefix="e/")) == [("e/other", "added")]
    assert store.diff("b1", new.id) == []


def test_merge_publishes_a_branch_with_a_merge_commit(store):
    before = store.head("main")
    store.create_branch("run-1", "main")
    store.write("run-1", "dataset/part-0.parquet", b"p0")
    store.write("run-1", "dataset/part-1.parquet", b"p1")
    made = store.commit("run-1", "run 1", {"run_id": "run-1"})
    merged = store.merge("run-1", "main", metadata={"run_id": "run-1", "checks": "passed"})
    assert merged.parents == (before, made.id)
    assert merged.metadata["run_id"] == "run-1"
    assert merged.metadata["checks"] == "passed"
    assert store.head("main") == merged.id
    assert store.read("main", "dataset/part-1.parquet") == b"p1"
    assert changes(store.diff(before, "main")) == [
        ("dataset/part-0.parquet", "added"),
        ("dataset/part-1.parquet", "added"),
    ]


def test_merge_combines_changes_made_on_both_sides(store):
    commit_files(store, "main", {"shared/base": b"base"})
    store.create_branch("b1", "main")
    commit_files(store, "b1", {"x/one": b"1"})
    commit_files(store, "main", {"y/two": b"2"})
    store.merge("b1", "main")
    assert [o.path for o in store.list("main")] == ["shared/base", "x/one", "y/two"]
    assert store.read("main", "x/one") == b"1"


def test_a_conflicting_merge_raises_and_leaves_the_destination_untouched(store):
    commit_files(store, "main", {"cfg.json": b"A", "other": b"o"})
    store.create_branch("b1", "main")
    commit_files(store, "b1", {"cfg.json": b"B", "new": b"n"})
    commit_files(store, "main", {"cfg.json": b"C"})
    head = store.head("main")
    with pytest.raises(Conflict):
        store.merge("b1", "main")
    assert store.head("main") == head
    assert store.read("main", "cfg.json") == b"C"
    assert not store.exists("main", "new")
    assert not store.has_uncommitted("main")


def test_a_delete_against_a_change_is_a_conflict_too(store):
    commit_files(store, "main", {"cfg.json": b"A"})
    store.create_branch("b1", "main")
    commit_files(store, "b1", {"cfg.json": None})
    commit_files(store, "main", {"cfg.json": b"C"})
    with pytest.raises(Conflict):
        store.merge("b1", "main")


def test_the_same_change_on_both_sides_is_not_a_conflict(store):
    commit_files(store, "main", {"cfg.json": b"A"})
    store.create_branch("b1", "main")
    commit_files(store, "b1", {"cfg.json": b"B", "extra": b"e"})
    commit_files(store, "main", {"cfg.json": b"B"})
    store.merge("b1", "main")
    assert store.read("main", "cfg.json") == b"B"
    assert store.read("main", "extra") == b"e"


def test_merging_a_branch_with_nothing_new_raises_no_changes(store):
    commit_files(store, "main", {"a": b"1"})
    store.create_branch("b1", "main")
    head = store.head("main")
    with pytest.raises(NoChanges):
        store.merge("b1", "main")
    commit_files(store, "b1", {"b": b"2"})
    store.merge("b1", "main")
    merged = store.head("main")
    with pytest.raises(NoChanges):
        store.merge("b1", "main")
    assert store.head("main") == merged != head


def test_a_merge_into_a_branch_with_staged_writes_is_refused(store):
    store.create_branch("b1", "main")
    commit_files(store, "b1", {"x": b"1"})
    store.write("main", "staged", b"s")
    head = store.head("main")
    with pytest.raises(DirtyBranch):
        store.merge("b1", "main")
    assert store.head("main") == head
    assert store.read("main", "staged") == b"s"


def test_revert_undoes_one_commit_with_a_new_one(store):
    store.create_branch("b1", "main")
    first = commit_files(store, "b1", {"r/a": b"a", "r/keep": b"k"})
    second = commit_files(store, "b1", {"r/b": b"b"})
    reverted = store.revert("b1", first.id, metadata={"reason": "bad source"})
    assert reverted.parents == (second.id,)
    assert reverted.metadata.get("reason") == "bad source"
    assert store.head("b1") == reverted.id
    assert [o.path for o in store.list("b1")] == ["r/b"]
    store.write("b1", "dirty", b"d")
    with pytest.raises(DirtyBranch):
        store.revert("b1", second.id)


def test_reverting_a_merge_takes_the_publish_back(store):
    commit_files(store, "main", {"dataset/old.parquet": b"old"})
    before = store.list("main")
    store.create_branch("run-2", "main")
    commit_files(store, "run-2", {"dataset/old.parquet": None, "dataset/new.parquet": b"new"})
    merged = store.merge("run-2", "main")
    store.revert("main", merged.id)
    assert store.list("main") == before
    assert store.diff(merged.parents[0], "main") == []


def test_tags_name_commits(store):
    commit_files(store, "main", {"a": b"1"})
    head = store.head("main")
    assert store.create_tag("v1", "main").id == head
    assert store.list_tags() == {"v1": head}
    with pytest.raises(Conflict):
        store.create_tag("v1", "main")
    with pytest.raises(NotFound):
        store.create_tag("v2", "no-such-ref")
    commit_files(store, "main", {"a": b"2"})
    assert store.read("v1", "a") == b"1"
    assert store.get_commit("v1").id == head


def test_uncommitted_lists_staged_changes_and_reset_drops_them(store):
    commit_files(store, "main", {"u/keep": b"k", "u/gone": b"g"})
    store.create_branch("b1", "main")
    store.write("b1", "u/new", b"n")
    store.write("b1", "u/keep", b"k2")
    store.delete("b1", "u/gone")
    assert changes(store.uncommitted("b1")) == [
        ("u/gone", "removed"),
        ("u/keep", "changed"),
        ("u/new", "added"),
    ]
    assert changes(store.uncommitted("b1", prefix="u/n")) == [("u/new", "added")]
    with pytest.raises(NotFound):
        store.read("b1", "u/gone")
    store.reset("b1")
    assert store.uncommitted("b1") == []
    assert not store.has_uncommitted("b1")
    assert store.read("b1", "u/keep") == b"k"
    assert store.read("b1", "u/gone") == b"g"
    assert not store.exists("b1", "u/new")


def test_missing_branches_refs_and_paths_raise_not_found(store):
    store.create_branch("b1", "main")
    attempts = [
        lambda: store.read("main", "nope"),
        lambda: store.read("no-such-branch", "x"),
        lambda: store.write("no-such-branch", "x", b"1"),
        lambda: store.delete("main", "nope"),
        lambda: store.get_commit("no-such-ref"),
        lambda: store.log("no-such-ref"),
        lambda: store.diff("main", "no-such-ref"),
        lambda: store.merge("no-such-ref", "main"),
        lambda: store.merge("b1", "no-such-branch"),
        lambda: store.uncommitted("no-such-branch"),
        lambda: store.reset("no-such-branch"),
        lambda: store.list("no-such-ref"),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()


def test_binary_objects_round_trip_exactly(store):
    payloads = {
        "bin/all-bytes": bytes(range(256)) * 4,
        "bin/line-endings": b"a\r\nb\nc\r\n\r",
        "bin/nuls": b"\x00" * 10,
        "bin/empty": b"",
        "bin/large": random.Random(0).randbytes(3 * 1024 * 1024 + 17),
    }
    store.create_branch("b1", "main")
    for path, data in payloads.items():
        assert store.write("b1", path, data).size_bytes == len(data)
    for path, data in payloads.items():
        assert store.read("b1", path) == data
    made = store.commit("b1", "binary")
    for path, data in payloads.items():
        assert store.read(made.id, path) == data


def test_invalid_names_are_refused_before_anything_changes(store):
    store.create_branch("b1", "main")
    attempts = [
        lambda: store.create_branch("bad name", "main"),
        lambda: store.create_branch("-leading-dash", "main"),
        lambda: store.create_tag("v..1", "main"),
        lambda: store.write("b1", "/absolute", b"1"),
        lambda: store.write("b1", "a//b", b"1"),
        lambda: store.write("b1", "a/../b", b"1"),
        lambda: store.write("b1", "trailing/", b"1"),
        lambda: store.write("b1", ".git/config", b"1"),
        lambda: store.commit("b1", "m", {"records": 10}),
    ]
    for attempt in attempts:
        with pytest.raises(InvalidName):
            attempt()
    assert store.list_branches() == ["b1", "main"]
    assert store.list_tags() == {}
    assert not store.has_uncommitted("b1")


def test_parquet_tables_and_datasets_round_trip(store):
    store.create_branch("b1", "main")
    parts = [pa.table({"id": [f"r{p}-{i}" for i in range(5)], "n": list(range(5))}) for p in range(3)]
    for p, table in enumerate(parts):
        write_table(store, "b1", f"dataset/part-{p:04d}.parquet", table)
    store.write("b1", "dataset/_SUCCESS", b"")
    made = store.commit("b1", "dataset")
    assert read_table(store, made.id, "dataset/part-0001.parquet").equals(parts[1])
    assert read_dataset(store, "b1", "dataset/").equals(pa.concat_tables(parts))
    with pytest.raises(NotFound):
        read_dataset(store, "b1", "other/")
