"""An actor's page gives its ideal point as ``govkg ideal-points`` computes it: position,
interval, n, rank, the strip of every position, and the actors nearest on the dimension."""

from __future__ import annotations

import json

import httpx
import lxml.html
import pytest
from click.testing import CliRunner
from lxml.html import HtmlElement
from paths import ROOT

from govkg.cli import cli


@pytest.fixture(scope="module")
def positions() -> list[dict[str, object]]:
    """``govkg ideal-points --format json`` on the shipped graph: every actor, highest first."""
    result = CliRunner().invoke(cli, ["--root", str(ROOT), "ideal-points", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _section(client: httpx.Client, path: str) -> list[HtmlElement]:
    """The elements of the page's "Position on one dimension" section, up to the next h2."""
    response = client.get(path)
    assert response.status_code == 200
    page = lxml.html.fromstring(response.text)
    heads = page.xpath("//h2[normalize-space(.)='Position on one dimension']")
    if not heads:
        return []
    found = []
    for element in heads[0].itersiblings():
        if element.tag == "h2":
            break
        found.append(element)
    return found


def _text(elements: list[HtmlElement]) -> str:
    return " ".join(" ".join(e.text_content().split()) for e in elements)


def test_the_page_gives_the_position_the_command_gives(
    shipped_client: httpx.Client, positions: list[dict[str, object]]
) -> None:
    section = _section(shipped_client, "/doc/state/USA.html")
    estimated = [p for p in positions if p["position"] is not None]
    usa = next(p for p in estimated if p["actor"] == "USA")
    rank = estimated.index(usa) + 1
    said = (
        f"United States of America: position {usa['position']:+.2f} (interval "
        f"{usa['lower']:+.2f} to {usa['upper']:+.2f}), from n = {usa['n']} instruments;"
    )
    assert said in _text(section)
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    assert f"; {rank}{suffix} highest of {len(estimated)} actors estimated." in _text(section)
    assert "Positive side: USA" in _text(section)  # the sign convention, said


def test_the_strip_draws_every_estimated_position(
    shipped_client: httpx.Client, positions: list[dict[str, object]]
) -> None:
    section = _section(shipped_client, "/doc/state/USA.html")
    (svg,) = [s for e in section for s in e.iter("{*}svg", "svg")]
    ticks = [line for line in svg.iter("{*}line", "line") if line.get("stroke") == "#9aa3ad"]
    assert len(ticks) == sum(p["position"] is not None for p in positions)
    assert len(list(svg.iter("{*}circle", "circle"))) == 1  # the page's actor


def test_nearest_on_the_dimension_are_the_neighbours_in_the_command_s_order(
    shipped_client: httpx.Client, positions: list[dict[str, object]]
) -> None:
    section = _section(shipped_client, "/doc/state/USA.html")
    rows = [r for e in section for r in e.iter("tr")][1:]
    shown = [(r[0].text_content().strip(), r[1].text_content().strip()) for r in rows]
    estimated = [p for p in positions if p["position"] is not None]
    k = next(i for i, p in enumerate(estimated) if p["actor"] == "USA")
    near = estimated[max(0, k - 3) : k + 4]
    assert shown == [(str(p["label"]), f"{p['position']:+.2f}") for p in near]


def test_an_actor_with_too_few_answers_is_said_not_estimable(
    shipped_client: httpx.Client, positions: list[dict[str, object]]
) -> None:
    afg = next(p for p in positions if p["actor"] == "AFG")
    assert afg["position"] is None
    text = _text(_section(shipped_client, "/doc/state/AFG.html"))
    assert f"Afghanistan: not estimable ({afg['note']})." in text
    assert "position +" not in text and "position -" not in text


def test_an_actor_outside_the_matrix_has_no_section(shipped_client: httpx.Client) -> None:
    """A company is not among govkg align's default actors, so it has no position."""
    assert _section(shipped_client, "/doc/org/ANTHROPIC.html") == []
