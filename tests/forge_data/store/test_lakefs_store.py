"""The lakeFS backend as far as it can be checked without a server: how SDK errors map onto the
store's errors, and that an unreachable server gives a clear error with no credential in it.
The backend's behaviour against a real server is the contract suite's job (test_contract.py)."""

from __future__ import annotations

import lakefs_sdk
import pytest
from lakefs.exceptions import (
    BadRequestException,
    ConflictException,
    ForbiddenException,
    NotFoundException,
    ObjectNotFoundException,
    ServerException,
)

from forge_data.store import Conflict, DirtyBranch, NoChanges, NotFound, StoreError
from forge_data.store.lakefs_store import LakeFSStore, translate_error
from tests.forge_data.store.conftest import closed_port


def raw_api_error(status: int, body: str) -> lakefs_sdk.ApiException:
    # What lakefs_sdk raises from calls the lakefs wrapper does not translate (reset_changes).
    exc = lakefs_sdk.ApiException(status=status, reason="reason")
    exc.body = body
    return exc


@pytest.mark.parametrize(
    ("exc", "expected", "text"),
    [
        (
            NotFoundException(404, "Not Found", '{"message": "branch not found"}'),
            NotFound,
            "branch not found",
        ),
        (ObjectNotFoundException(404, "Not Found"), NotFound, "404"),
        (ConflictException(409, "Conflict", '{"message": "conflict found"}'), Conflict, "conflict found"),
        (BadRequestException(400, "Bad Request", '{"message": "no changes"}'), NoChanges, "no changes"),
        (
            BadRequestException(400, "Bad Request", b'{"message": "no difference was found"}'),
            NoChanges,
            "400",
        ),
        (
            BadRequestException(400, "Bad Request", '{"message": "uncommitted changes (dirty branch)"}'),
            DirtyBranch,
            "dirty branch",
        ),
        (BadRequestException(400, "Bad Request", '{"message": "bad ref"}'), StoreError, "bad ref"),
        (
            ForbiddenException(403, "Forbidden", '{"message": "cannot delete default branch"}'),
            StoreError,
            "403",
        ),
        (ServerException(500, "Internal Server Error", "not json"), StoreError, "Internal Server Error"),
        (raw_api_error(404, '{"message": "branch not found"}'), NotFound, "branch not found"),
        (raw_api_error(409, '{"message": "conflict"}'), Conflict, "409"),
    ],
)
def test_sdk_errors_map_onto_store_errors(exc, expected, text):
    err = translate_error(exc, "merge 'run-1' into 'main'")
    assert type(err) is expected
    assert str(err).startswith("merge 'run-1' into 'main': lakeFS answered")
    assert text in str(err)


def test_an_unreachable_server_is_a_clear_error_without_credentials():
    endpoint = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(StoreError) as caught:
        LakeFSStore(
            "forge-data", endpoint, "AKIAFORGEKEYID", "forge-secret-value", storage_namespace="local://x"
        )
    assert f"cannot reach lakeFS at {endpoint}" in str(caught.value)
    chain, exc = [], caught.value
    while exc is not None:
        chain.append(f"{exc!s} {exc!r}")
        exc = exc.__cause__ or exc.__context__
    assert not any("forge-secret-value" in text or "AKIAFORGEKEYID" in text for text in chain)
