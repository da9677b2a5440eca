"""``govkg release``: a release of the shipped graph, an import of one changed list, a second
release; the changelog, the diff and the Atom feed name exactly the changed stances; the folder
is never overwritten; CITATION.cff validates with cffconvert; the checksums hold."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from lxml import etree
from paths import ROOT
from servers import in_process

from govkg.cli import cli
from govkg.load import open_project
from govkg.project import ROOT_ENV, Project
from govkg.release.diff import compare
from govkg.server import ServerSettings, create_app
from govkg.store import Store

DATA = "https://w3id.org/govkg/id/"
ARG = f"{DATA}stance/bletchley-declaration-2023--ARG"
BRA = f"{DATA}stance/bletchley-declaration-2023--BRA"
ATOM = "{http://www.w3.org/2005/Atom}"
DCAT = "http://www.w3.org/ns/dcat#"
CFFCONVERT = (
    Path(os.environ.get("GOVKG_TEST_TOOLS", "/opt/govkg-test-tools")) / "cffconvert/bin/cffconvert"
)


@dataclass(frozen=True)
class Released:
    """A copy of the project released as 1.0.0, changed by one import, released as 1.1.0."""

    root: Path
    first: Path
    second: Path
    outputs: tuple[str, ...]


def _changed_list(path: Path) -> None:
    """The shipped Bletchley list with Brazil's stance changed and Argentina added."""
    source = ROOT / "data/instruments/bletchley_declaration_2023.csv"
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["actor_iso3"] == "BRA":
            row["stance"] = "declined"
    rows.append({**rows[0], "actor_name": "Argentina", "actor_iso3": "ARG"})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _invoke(root: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--root", str(root), *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Released:
    root = tmp_path_factory.mktemp("project")
    for folder in ("ontology", "graph", "queries"):  # as the project_copy fixture copies it
        shutil.copytree(ROOT / folder, root / folder)
    first = _invoke(root, "release", "1.0.0")
    changed = root.parent / "bletchley.csv"
    _changed_list(changed)
    _invoke(root, "import", "stances", str(changed))
    second = _invoke(root, "release", "1.1.0")
    releases = root / "releases"
    return Released(root, releases / "1.0.0", releases / "1.1.0", (first, second))


def test_the_cli_says_what_it_wrote(released: Released) -> None:
    lines = released.outputs[1].splitlines()
    assert lines[0].startswith("wrote release 1.1.0 (") and lines[0].endswith(
        f"files) to {released.second}"
    )
    assert lines[1] == "changes since 1.0.0: 2 resource(s) added, removed or changed"
    assert released.outputs[0].splitlines()[1] == (
        "changes (first release): 0 resource(s) added, removed or changed"
    )


def test_changes_json_names_exactly_the_changed_stances(released: Released) -> None:
    data = json.loads((released.second / "changes.json").read_text(encoding="utf-8"))
    assert (data["version"], data["previous"]) == ("1.1.0", "1.0.0")
    assert [(c["iri"], c["kind"], c["change"]) for c in data["changes"]] == [
        (ARG, "stance", "added"),
        (BRA, "stance", "changed"),
    ]
    brazil = data["changes"][1]
    kinds = {p["property"]: (p["old"], p["new"]) for p in brazil["properties"]}
    assert kinds["https://w3id.org/govkg/ontology#stanceKind"] == (
        [f"<{DATA}stance-kind/signed>"],
        [f"<{DATA}stance-kind/declined>"],
    )
    assert set(kinds) == {
        "https://w3id.org/govkg/ontology#stanceKind",
        "http://www.w3.org/2000/01/rdf-schema#label",
    }
    assert f"{DATA}state/BRA" in brazil["related"]
    assert f"{DATA}instrument/bletchley-declaration-2023" in brazil["related"]
    assert data["summary"]["stance"] == {"added": 1, "removed": 0, "changed": 1}
    others = [s for kind, s in data["summary"].items() if kind != "stance"]
    assert all(s == {"added": 0, "removed": 0, "changed": 0} for s in others)
    first = json.loads((released.first / "changes.json").read_text(encoding="utf-8"))
    assert first["previous"] is None and first["changes"] == []
    assert data["totals"]["stance"] == first["totals"]["stance"] + 1


def test_changes_md_lists_exactly_the_changed_stances(released: Released) -> None:
    text = (released.second / "CHANGES.md").read_text(encoding="utf-8")
    named = [line.split("`")[1] for line in text.splitlines() if line.startswith("- `")]
    assert named == [
        "stance:bletchley-declaration-2023--ARG",
        "stance:bletchley-declaration-2023--BRA",
    ]
    assert "  - `gk:stanceKind: stancekind:signed → stancekind:declined`" in text.splitlines()
    stances = json.loads((released.second / "changes.json").read_text())["totals"]["stance"]
    assert f"| stances | {stances} | 1 | 0 | 1 |" in text.splitlines()
    assert text.startswith("# govkg 1.1.0: changes since release 1.0.0\n")


def _text(element: etree._Element, name: str) -> str:
    found = element.findall(ATOM + name)
    assert len(found) == 1, f"{name}: {len(found)} elements"
    return found[0].text or ""


def _check_entry(entry: etree._Element) -> str:
    datetime.fromisoformat(_text(entry, "updated"))  # an RFC 3339 date-time
    assert _text(entry, "title")
    links = entry.findall(ATOM + "link")
    assert links and all(link.get("href", "").startswith("https://") for link in links)
    return _text(entry, "id")


def test_the_atom_feed_is_atom_and_names_exactly_the_changed_stances(released: Released) -> None:
    feed = etree.fromstring((released.second / "changes.atom").read_bytes())
    assert feed.tag == ATOM + "feed"
    assert _text(feed, "id") == "https://w3id.org/govkg/changes.atom"
    assert _text(feed, "title") == "govkg: changes between releases"
    datetime.fromisoformat(_text(feed, "updated"))
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "govkg contributors"
    ids = [_check_entry(e) for e in feed.findall(ATOM + "entry")]
    assert len(ids) == len(set(ids))
    release = "https://w3id.org/govkg/releases/"
    assert ids == [
        f"{release}1.1.0/",
        f"{release}1.1.0/#stance/bletchley-declaration-2023--ARG",
        f"{release}1.1.0/#stance/bletchley-declaration-2023--BRA",
        f"{release}1.0.0/",
    ]
    links = [e.find(ATOM + "link").get("href") for e in feed.findall(ATOM + "entry")]
    assert links[1:3] == [ARG, BRA]
    summary = feed.findall(ATOM + "entry")[0].find(ATOM + "summary").text
    assert summary == (
        "Changed resources: stance:bletchley-declaration-2023--ARG, "
        "stance:bletchley-declaration-2023--BRA."
    )


def test_a_release_is_never_overwritten(released: Released, runner: CliRunner) -> None:
    before = {p: p.read_bytes() for p in released.second.rglob("*") if p.is_file()}
    result = runner.invoke(cli, ["--root", str(released.root), "release", "1.1.0"])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {released.second} exists: a release is never overwritten; choose a new version\n"
    )
    after = {p: p.read_bytes() for p in released.second.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in released.second.parent.iterdir()) == ["1.0.0", "1.1.0"]


def test_a_previous_dump_that_fails_its_checksum_is_refused(
    released: Released, runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "releases"
    shutil.copytree(released.first, out / "1.0.0")
    dump = out / "1.0.0/dumps/govkg.nq.gz"
    dump.write_bytes(dump.read_bytes() + b"\0")
    args = ["--root", str(released.root), "release", "2.0.0", "--out", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: release 1.0.0: {dump} does not match its .sha256; not compared\n"
    )
    assert [p.name for p in out.iterdir()] == ["1.0.0"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["release", "../up"],
            "Error: version '../up' is not a release name: use letters, "
            "digits, '.', '-' and '+' (such as 1.0.0)\n",
        ),
        (
            ["release", "2.0.0", "--previous", "0.9"],
            "Error: --previous 0.9: no such release in {releases} (releases: 1.0.0, 1.1.0)\n",
        ),
    ],
)
def test_bad_versions_are_one_error_line(
    released: Released, runner: CliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(cli, ["--root", str(released.root), *args])
    assert result.exit_code == 2
    assert result.output == message.format(releases=released.root / "releases")
    assert not (released.root / "releases/2.0.0").exists()


def test_citation_cff_validates_with_cffconvert(released: Released) -> None:
    path = released.second / "CITATION.cff"
    done = subprocess.run(
        [str(CFFCONVERT), "--validate", "-i", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Citation metadata are valid" in done.stdout
    text = path.read_text(encoding="utf-8")
    assert 'version: "1.1.0"' in text and "license: CC-BY-4.0" in text
    assert '  - name: "govkg contributors"' in text and "preferred-citation:" in text


def test_the_checksums_hold(released: Released) -> None:
    lines = (released.second / "SHA256SUMS").read_text().splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {
        p.relative_to(released.second).as_posix(): p
        for p in released.second.rglob("*")
        if p.is_file() and p.name != "SHA256SUMS"
    }
    assert set(listed) == set(files)
    for name, path in files.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == listed[name], name
    for side in released.second.glob("dumps/*.sha256"):
        digest, name = side.read_text().split()
        assert hashlib.sha256((side.parent / name).read_bytes()).hexdigest() == digest
    assert {"dumps/govkg.nq.gz", "dumps/govkg.ttl", "CHANGES.md", "changes.atom"} <= set(files)


def _void(folder: Path) -> list[ox.Triple]:
    return list(ox.parse(path=folder / "void.ttl", format=ox.RdfFormat.TURTLE))


def _objects(triples: list[ox.Triple], predicate: str) -> list[str]:
    return [str(t.object) for t in triples if t.predicate.value == predicate]


def test_void_gives_version_issued_and_previous(released: Released) -> None:
    second, first = _void(released.second), _void(released.first)
    release = "https://w3id.org/govkg/releases/"
    assert _objects(second, DCAT + "version") == ['"1.1.0"']
    assert _objects(second, DCAT + "previousVersion") == [f"<{release}1.0.0/void#govkg>"]
    issued = _objects(second, "http://purl.org/dc/terms/issued")
    assert len(issued) == 1 and issued[0].endswith("^^<http://www.w3.org/2001/XMLSchema#date>")
    assert _objects(first, DCAT + "previousVersion") == []
    dumps = _objects(second, "http://rdfs.org/ns/void#dataDump")
    assert f"<{release}1.1.0/dumps/govkg.nq.gz>" in dumps


def test_served_feed_and_pages_name_the_changes(
    released: Released, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ROOT_ENV, str(released.root))
    project, store = open_project(released.root)
    with in_process(create_app(store, ServerSettings(), project)) as http:
        feed = http.get("/changes.atom")
        state = http.get("/doc/state/BRA")
        instrument = http.get("/doc/instrument/bletchley-declaration-2023")
        other = http.get("/doc/state/FRA")
    assert feed.status_code == 200
    assert feed.headers["content-type"] == "application/atom+xml"
    assert feed.content == (released.second / "changes.atom").read_bytes()
    assert '<section class="changes"><h2>Changes <span class="count">(1)' in state.text
    assert "stancekind:signed → stancekind:declined" in state.text
    assert '<section class="changes"><h2>Changes <span class="count">(2)' in instrument.text
    assert "bletchley-declaration-2023--ARG" in instrument.text
    assert 'class="changes"' not in other.text


def test_no_release_no_feed(store: Store, tmp_path: Path) -> None:
    for folder in ("ontology", "graph"):
        (tmp_path / folder).mkdir()
    with in_process(create_app(store, ServerSettings(), Project(tmp_path))) as http:
        answer = http.get("/changes.atom", headers={"Accept": "text/plain"})
    assert answer.status_code == 404
    assert answer.text == (
        "no release yet: releases/ holds no changes.atom (`govkg release VERSION` writes one)\n"
    )


MEMBERSHIP = """@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/govkg/id/membership/m> a gk:Membership ;
    org:member <https://w3id.org/govkg/id/state/USA> ;
    org:memberDuring [ a time:Interval ; time:hasEnd [ time:inXSDDate "END"^^xsd:date ] ] .
"""


def _triples(end: str) -> list[ox.Triple]:
    return list(ox.parse(MEMBERSHIP.replace("END", end).encode(), format=ox.RdfFormat.TURTLE))


def test_blank_nodes_compare_by_value_not_by_label() -> None:
    assert compare(_triples("2026-12-31"), _triples("2026-12-31")) == []
    changes = compare(_triples("2026-12-31"), _triples("2025-12-31"))
    assert [(c.iri, c.kind, c.change) for c in changes] == [
        (f"{DATA}membership/m", "membership", "changed")
    ]
    (during,) = changes[0].properties
    assert during.property == "http://www.w3.org/ns/org#memberDuring"
    assert "2026-12-31" in during.old[0] and "2025-12-31" in during.new[0]
    assert changes[0].related == (f"{DATA}state/USA",)
