"""open_store: the embedded store from forge.yaml's path, lakeFS from environment credentials."""

from __future__ import annotations

import pytest

from forge_data.config import StoreConfig
from forge_data.store import StoreError, open_store
from forge_data.store.embedded import EmbeddedStore
from tests.forge_data.store.conftest import closed_port


def test_the_embedded_store_opens_at_the_resolved_path(tmp_path):
    cfg = StoreConfig(path="state/store", main_branch="trunk", lock_timeout_s=5)
    store = open_store(cfg, resolve=lambda p: tmp_path / p, env={})
    assert isinstance(store, EmbeddedStore)
    assert store.root == tmp_path / "state" / "store"
    assert store.list_branches() == ["trunk"]
    assert store.lock_timeout_s == 5


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "LAKEFS_ENDPOINT, LAKEFS_ACCESS_KEY_ID, LAKEFS_SECRET_ACCESS_KEY are"),
        ({"LAKEFS_ENDPOINT": "http://x", "LAKEFS_ACCESS_KEY_ID": "k"}, "LAKEFS_SECRET_ACCESS_KEY is"),
        (
            {"LAKEFS_ENDPOINT": "http://x", "LAKEFS_ACCESS_KEY_ID": "", "LAKEFS_SECRET_ACCESS_KEY": "s"},
            "LAKEFS_ACCESS_KEY_ID is",
        ),
    ],
)
def test_lakefs_without_credentials_in_the_environment_names_what_is_missing(tmp_path, env, named):
    with pytest.raises(StoreError, match=f"{named} not set in the environment"):
        open_store(StoreConfig(backend="lakefs"), resolve=lambda p: tmp_path / p, env=env)


def test_lakefs_is_opened_with_the_environment_credentials(tmp_path):
    endpoint = f"http://127.0.0.1:{closed_port()}"
    env = {
        "LAKEFS_ENDPOINT": endpoint,
        "LAKEFS_ACCESS_KEY_ID": "AKIAX",
        "LAKEFS_SECRET_ACCESS_KEY": "secret-x",
    }
    with pytest.raises(
        StoreError, match=f"open repository 'forge-data': cannot reach lakeFS at {endpoint}"
    ) as caught:
        open_store(StoreConfig(backend="lakefs"), resolve=lambda p: tmp_path / p, env=env)
    assert "secret-x" not in str(caught.value)
    assert not (tmp_path / "state").exists()
