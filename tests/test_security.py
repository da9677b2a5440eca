"""Security defaults that span the server: CORS, the Host header, hostile files never fetched.

The rest of the hardening tests sit with what they guard: the SPARQL protocol (runaway queries,
datasets, updates, body and row caps) in test_sparql_protocol.py, HTML escaping in test_pages.py
and test_server.py, canned-query parameters in test_catalogue.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from paths import ROOT
from servers import serve as _serve

from govkg.server import ServerSettings, create_app
from govkg.store import Store


@pytest.fixture(scope="module")
def http(store: Store) -> Iterator[httpx.Client]:
    """The app under uvicorn (real HTTP: its proxy-header handling is part of what is tested)."""
    with _serve(create_app(store, ServerSettings(query_workers=0))) as client:
        yield client


@pytest.mark.parametrize("path", ["/sparql?query=ASK%7B%7D", "/doc/state/USA.ttl"])
def test_cors_allows_any_origin_without_credentials(http: httpx.Client, path: str) -> None:
    response = http.get(path, headers={"Origin": "https://evil.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers


def test_cors_preflight_never_echoes_an_origin_with_credentials(http: httpx.Client) -> None:
    headers = {
        "Origin": "https://evil.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
        "Cookie": "session=1",
    }
    response = http.options("/sparql", headers=headers)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers.get("access-control-allow-credentials") != "true"
    assert "evil.example" not in str(response.headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "evil.example"},
        {"X-Forwarded-Host": "evil.example"},
        {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"},
        {"Forwarded": "host=evil.example;proto=https"},
    ],
)
def test_host_headers_never_change_locations_or_iris(
    http: httpx.Client, headers: dict[str, str]
) -> None:
    see_other = http.get("/id/state/USA", headers={**headers, "Accept": "text/turtle"})
    assert see_other.headers["location"] == "/doc/state/USA.ttl"
    turtle = http.get("/doc/state/USA.ttl", headers=headers)
    page = http.get("/doc/state/USA", headers={**headers, "Accept": "text/html"})
    for text in (turtle.text, page.text, str(turtle.headers), str(page.headers)):
        assert "evil.example" not in text


# --- hostile files: nothing fetched, no entity expanded, nothing outside the project opened -----

HOSTILE = {
    "context.jsonld": '{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "urn:x"}',
    "entity.rdf": textwrap.dedent(
        """\
        <?xml version="1.0"?>
        <!DOCTYPE rdf:RDF [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
          <rdf:Description rdf:about="urn:x"><rdf:value>&secret;</rdf:value></rdf:Description>
        </rdf:RDF>
        """
    ),
    "laughs.rdf": '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "lol">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + "]>\n<r>&j;</r>\n",
}

#: Runs govkg with an audit hook that records every socket use and every file opened outside
#: the project, the interpreter and the temporary folder.
AUDITED = textwrap.dedent(
    """\
    import importlib.util, os, sys, tempfile
    package = importlib.util.find_spec("govkg").submodule_search_locations[0]
    allowed = [os.path.realpath(p) for p in (sys.argv[1], sys.prefix, sys.base_prefix, package,
               tempfile.gettempdir(), "/dev", "/proc", "/sys", "/etc/localtime")]
    seen = []
    def hook(event, args):
        if event.startswith("socket.") and event != "socket.__new__":
            seen.append(f"{event} {args!r}")
        elif event == "open" and isinstance(args[0], str):
            path = os.path.realpath(args[0])
            if not any(path == a or path.startswith(a + os.sep) for a in allowed):
                seen.append(f"open {path}")
    sys.addaudithook(hook)
    from govkg.cli import cli
    try:
        cli(["--root", sys.argv[1], *sys.argv[2:]], prog_name="govkg")
    except SystemExit as exit:
        code = exit.code
    else:
        code = 0
    print("AUDIT", repr(seen), file=sys.stderr)
    sys.exit(code)
    """
)


@pytest.fixture
def hostile_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for folder in ("ontology", "graph", "queries", "data"):
        shutil.copytree(ROOT / folder, root / folder)
    for name, text in HOSTILE.items():
        (root / "graph" / name).write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_rdf_files_are_refused_without_fetching(hostile_project: Path, name: str) -> None:
    for other in set(HOSTILE) - {name}:
        (hostile_project / "graph" / other).unlink()
    result = subprocess.run(
        [sys.executable, "-c", AUDITED, str(hostile_project), "stats"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    audit = result.stderr.strip().splitlines()[-1]
    assert audit == "AUDIT []", audit
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines()[:-1] if line.strip()]
    assert errors == [
        f"Error: graph/{name}: govkg loads Turtle (.ttl) files only; "
        "convert this file to Turtle first"
    ]
