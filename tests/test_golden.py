"""Golden files: one GEXF export and one resource page of the shipped graph, compared byte for
byte with ``tests/golden/``.  A change in what they render fails with the lines that differ.

When the change is meant, rewrite the files and review them before committing::

    GOVKG_GOLDEN=write .venv/bin/pytest tests/test_golden.py
    git diff tests/golden
"""

from __future__ import annotations

import difflib
import os
import re

import pytest
from click.testing import CliRunner
from paths import ROOT
from starlette.testclient import TestClient

from govkg.cli import cli
from govkg.server import ServerSettings, create_app
from govkg.store import Store

GOLDEN = ROOT / "tests" / "golden"
#: ``GOVKG_GOLDEN=write`` rewrites the golden files from what is rendered now.
WRITE = os.environ.get("GOVKG_GOLDEN") == "write"
INSTRUMENT = "seoul-declaration-2024"


def _lines(text: str) -> list[str]:
    """The lines to compare, HTML's long lines cut between tags so that a diff stays readable."""
    return re.sub(r">(?=<)", ">\n", text).splitlines(keepends=True)


def check_golden(name: str, rendered: str, write: bool = WRITE) -> None:
    """Fail with a unified diff (golden → now) unless ``rendered`` is the golden file ``name``;
    with ``write``, make it the golden file first."""
    path = GOLDEN / name
    if write:
        path.write_bytes(rendered.encode("utf-8"))
    golden = path.read_bytes().decode("utf-8")
    if rendered == golden:
        return
    diff = difflib.unified_diff(
        _lines(golden), _lines(rendered), f"tests/golden/{name}", "rendered now"
    )
    pytest.fail(
        f"{name} differs from its golden file; if the change is meant, rewrite it with "
        f"GOVKG_GOLDEN=write (see tests/test_golden.py)\n{''.join(diff)}",
        pytrace=False,
    )


def test_gexf_export_matches_golden(runner: CliRunner) -> None:
    args = ["--root", str(ROOT), "export", "gexf", "--view", "stances", "--instruments", INSTRUMENT]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    check_golden(f"stances-{INSTRUMENT}.gexf", result.stdout)


def test_resource_page_matches_golden(store: Store) -> None:
    client = TestClient(create_app(store, ServerSettings(query_workers=0)))
    response = client.get(f"/doc/instrument/{INSTRUMENT}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    check_golden(f"instrument-{INSTRUMENT}.html", response.text)


def test_a_changed_rendering_fails_with_the_changed_lines() -> None:
    name = f"instrument-{INSTRUMENT}.html"
    golden = (GOLDEN / name).read_text(encoding="utf-8")
    with pytest.raises(pytest.fail.Exception) as failed:
        check_golden(name, golden.replace("<h1>", "<h1>Changed ", 1), write=False)
    message = str(failed.value)
    assert message.startswith(f"{name} differs from its golden file;")
    assert "\n-<h1>Seoul Declaration for safe" in message
    assert "\n+<h1>Changed Seoul Declaration for safe" in message
