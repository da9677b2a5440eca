"""A state's or organisation's stance table as CSV and JSON: one row per stance of the actor,
the same rows in both, linked from its page; an unknown actor is a 404."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pyoxigraph as ox
import pytest

from govkg.namespaces import DATA_BASE
from govkg.store import Store

_KINDS = """SELECT ?a ?s ?kl WHERE { ?s a gk:Stance ; gk:actor ?a ;
    gk:stanceKind/skos:prefLabel ?kl }"""


@pytest.mark.parametrize("path", ["state/USA", "state/CHN", "org/EU"])
def test_the_downloads_hold_every_stance_of_the_actor(
    shipped_client: httpx.Client, store: Store, path: str
) -> None:
    iri = DATA_BASE + path
    expected = {
        (row.text("s"), row.text("kl"))
        for row in store.query(_KINDS, {"a": ox.NamedNode(iri)}).records()
    }
    assert expected
    text = shipped_client.get(f"/doc/{path}.stances.csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {(r["stance"], r["kind"]) for r in rows} == expected
    assert {r["actor"] for r in rows} == {iri}
    body = json.loads(shipped_client.get(f"/doc/{path}.stances.json").text)
    assert body["actor"] == iri
    assert body["rows"] == rows
    dated = [r["date"] for r in rows if r["date"]]  # undated rows sit at their instrument's date
    assert dated == sorted(dated)


def test_the_page_links_its_downloads(shipped_client: httpx.Client) -> None:
    page = shipped_client.get("/doc/state/USA.html").text
    assert 'href="./USA.stances.csv"' in page and 'href="./USA.stances.json"' in page


def test_an_unknown_actor_has_no_download(shipped_client: httpx.Client) -> None:
    assert shipped_client.get("/doc/state/XXX.stances.csv").status_code == 404
