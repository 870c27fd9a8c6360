"""What is particular to the embedded store: its layout on disk, git kept away from the user's
configuration, the metadata trailer, the compare-and-swap on refs, and paths a git tree cannot hold."""

from __future__ import annotations

import pytest

from forge_data.store import Conflict, StoreError
from forge_data.store.embedded import EmbeddedStore
from forge_data.store.gitrepo import ZERO, Git, decode_message, encode_message
from tests.forge_data.store.conftest import git


def test_layout_is_a_bare_repository_with_one_staging_index_per_dirty_branch(tmp_path):
    store = EmbeddedStore(tmp_path / "store")
    assert git(tmp_path / "store", "rev-parse", "--is-bare-repository").stdout.strip() == "true"
    store.create_branch("run-1", "main")
    store.write("run-1", "dataset/part-0.parquet", b"p")
    head = store.head("run-1")
    assert [p.name for p in (tmp_path / "store" / "staging" / "run-1").iterdir()] == [f"{head}.index"]
    made = store.commit("run-1", "m", {"run_id": "run-1"})
    assert list((tmp_path / "store" / "staging" / "run-1").iterdir()) == []
    shown = git(tmp_path / "store", "log", "-1", "--format=%B", "run-1").stdout
    assert shown.strip().splitlines()[-1] == 'Forge-Metadata: {"run_id": "run-1"}'
    assert git(tmp_path / "store", "cat-file", "-p", f"{made.id}:dataset/part-0.parquet").stdout == "p"
    # A second instance on the same folder sees the same state.
    again = EmbeddedStore(tmp_path / "store")
    assert again.get_commit("run-1") == made


def test_git_ignores_the_users_config_and_git_environment(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        "[core]\n\tautocrlf = true\n\thooksPath = /nonexistent\n[user]\n\tname = Someone Personal\n"
    )
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.setenv("GIT_DIR", str(elsewhere / "git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(elsewhere / "index"))
    monkeypatch.setenv("GIT_WORK_TREE", str(elsewhere / "tree"))
    store = EmbeddedStore(tmp_path / "store", committer="forge-ci")
    data = b"line one\r\nline two\n\x00\xff"
    store.write("main", "crlf.bin", data)
    made = store.commit("main", "crlf")
    assert store.read(made.id, "crlf.bin") == data
    assert made.committer == "forge-ci"
    assert not elsewhere.exists()


def test_metadata_survives_a_message_that_quotes_the_trailer():
    message = 'subject\n\nForge-Metadata: {"fake": "yes"}\nmore text'
    assert decode_message(encode_message(message, {"run_id": "r"})) == (message, {"run_id": "r"})
    assert decode_message("plain message\n") == ("plain message", {})


def test_a_ref_moves_only_from_the_value_its_writer_saw(tmp_path):
    store = EmbeddedStore(tmp_path / "store")
    first = store.head("main")
    store.write("main", "x", b"1")
    second = store.commit("main", "x").id
    plumbing = Git(tmp_path / "store" / "repo.git")
    with pytest.raises(Conflict):
        plumbing.update_ref("refs/heads/main", first, ZERO, "test")  # create, but it exists
    with pytest.raises(Conflict):
        plumbing.update_ref("refs/heads/main", ZERO, first, "test")  # delete from a stale value
    with pytest.raises(Conflict):
        plumbing.update_ref("refs/heads/main", first, first, "test")  # move from a stale value
    assert store.head("main") == second


def test_an_object_and_a_folder_of_the_same_name_are_refused(tmp_path):
    store = EmbeddedStore(tmp_path / "store")
    store.write("main", "a", b"file")
    with pytest.raises(StoreError, match="clashes"):
        store.write("main", "a/b", b"nested")
    assert [o.path for o in store.list("main")] == ["a"]
    store.commit("main", "a")
    # Replacing the object by a folder in one change is fine, and merges as such.
    store.create_branch("b1", "main")
    store.delete("b1", "a")
    store.write("b1", "a/b", b"nested")
    store.commit("b1", "a becomes a folder")
    store.write("main", "c", b"moves main")
    store.commit("main", "c")
    store.merge("b1", "main")
    assert [o.path for o in store.list("main")] == ["a/b", "c"]


def test_a_three_way_merge_that_would_hold_a_path_as_object_and_folder_is_a_conflict(tmp_path):
    store = EmbeddedStore(tmp_path / "store")
    store.create_branch("b1", "main")
    store.write("b1", "p/q", b"folder on b1")
    store.commit("b1", "b1")
    store.write("main", "p", b"object on main")
    store.commit("main", "main")
    head = store.head("main")
    with pytest.raises(Conflict, match="both as an object and as a folder"):
        store.merge("b1", "main")
    assert store.head("main") == head
