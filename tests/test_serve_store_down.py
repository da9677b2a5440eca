"""The linked-data server over a remote store that stops answering: every request gets 503 with
the reason, and the log gets one line per failure (no traceback)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from paths import ROOT
from servers import running_oxigraph
from starlette.testclient import TestClient

from govkg.load import rebuild
from govkg.server.app import create_app
from govkg.store import open_store


@pytest.fixture(scope="module")
def stopped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    """An app over a real ``oxigraph serve`` holding the shipped project, which is then killed;
    the client (in process) and the server's query URL."""
    with running_oxigraph(tmp_path_factory.mktemp("server")) as (spec, process):
        rebuild(ROOT, spec)
        store = open_store(spec)
        with TestClient(create_app(store), raise_server_exceptions=False) as client:
            assert client.get("/doc/state/USA").status_code == 200  # served while it answers
            process.kill()
            process.wait(timeout=10)
            yield client, store.endpoints.query  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "path", ["/doc/state/USA", "/doc/state/USA.ttl", "/sparql?query=ASK%7B%7D"]
)
def test_a_store_that_stopped_answering_is_a_503_with_its_reason(
    stopped: tuple[TestClient, str], path: str, caplog: pytest.LogCaptureFixture
) -> None:
    client, query_url = stopped
    with caplog.at_level(logging.ERROR, logger="govkg.server"):
        response = client.get(path, headers={"Accept": "text/plain"})
    assert response.status_code == 503
    assert f"cannot reach {query_url}" in response.text
    logged = [r.getMessage() for r in caplog.records if r.name == "govkg.server"]
    assert len(logged) == 1 and logged[0].startswith(f"GET {path.split('?')[0]}: 503: ")
    assert f"cannot reach {query_url}" in logged[0]
    assert not any(r.exc_info for r in caplog.records)  # one line, no traceback
