"""The library takes typed requests and names the parameter that is wrong; the command line names
its own option for the same mistake (errors.RequestError, cli.OPTION_NAMES)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from paths import ROOT

from govkg.align import Filters
from govkg.align.report import AlignRequest
from govkg.cli import OPTION_NAMES, cli
from govkg.errors import RequestError, quoted
from govkg.export import ExportRequest


def test_a_message_names_the_parameter_or_the_option_and_keeps_literal_braces() -> None:
    error = RequestError("date_from", "{date_from} " + quoted("{x}") + ": not a date")
    assert str(error) == "date_from '{x}': not a date"
    assert error.shown({"date_from": "--from"}) == "--from '{x}': not a date"


@pytest.mark.parametrize(
    ("make", "parameter", "message"),
    [
        (
            lambda: Filters(date_to="2025-13"),
            "date_to",
            "date_to '2025-13': expected a date like 2025, 2025-02 or 2025-02-11",
        ),
        (
            lambda: AlignRequest(weights={"instrument:x": -1.0}),
            "weights",
            "weights 'instrument:x': a weight must be >= 0, not -1.0",
        ),
        (lambda: AlignRequest(min_n=-2), "min_n", "min_n -2: must be 0 or more"),
        (
            lambda: ExportRequest("gexf", "maps"),
            "view",
            "unknown view 'maps': choose stances, alignment, dialogues or full",
        ),
        (
            lambda: ExportRequest.create("gexf", "stances", measure="kappa"),
            "measure",
            "measure applies to view alignment only",
        ),
        (
            lambda: ExportRequest("csv", "stances"),
            "out",
            "csv writes two tables: give out FOLDER or out PREFIX",
        ),
        (
            lambda: ExportRequest("gexf", "full", filters=Filters(series=("reaim",))),
            "filters",
            "filters do not apply to view full",
        ),
    ],
)
def test_the_library_names_its_parameter(make: object, parameter: str, message: str) -> None:
    with pytest.raises(RequestError) as error:
        make()  # type: ignore[operator]
    assert error.value.parameter == parameter
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["align", "--to", "2025-13"],
            "Error: --to '2025-13': expected a date like 2025, 2025-02 or 2025-02-11",
        ),
        (
            ["export", "csv", "--view", "stances"],
            "Error: csv writes two tables: give --out FOLDER or --out PREFIX",
        ),
        (
            ["export", "gexf", "--view", "full", "--series", "reaim"],
            "Error: --instruments, --series, --from and --to do not apply to view full",
        ),
        (
            ["export", "gexf", "--view", "stances", "--threshold", "0.3"],
            "Error: --threshold applies to view alignment only",
        ),
        (["align", "--pair", "USA", "USA"], "Error: --pair needs two different actors"),
    ],
)
def test_the_command_line_names_its_option(args: list[str], line: str) -> None:
    result = CliRunner().invoke(cli, ["--root", str(ROOT), *args])
    assert result.exit_code == 2
    assert result.stderr.strip() == line


def test_every_parameter_a_library_error_can_name_has_an_option() -> None:
    """Each RequestError raised in src/govkg names a parameter the command line maps."""
    import re

    named: set[str] = set()
    for path in (ROOT / "src" / "govkg").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        named.update(re.findall(r'RequestError\(\s*"(\w+)"', text))
    assert named and named <= set(OPTION_NAMES), named - set(OPTION_NAMES)


def test_the_package_exports_its_entry_points_and_stays_light() -> None:
    import subprocess
    import sys

    import govkg

    for name in govkg.__all__:
        assert getattr(govkg, name) is not None
    loaded = subprocess.run(
        [sys.executable, "-c", "import govkg, sys; print(sorted(m for m in sys.modules if m in "
         "('numpy', 'starlette', 'pyshacl', 'pyoxigraph')))"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert loaded.stdout.strip() == "[]"
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        govkg.nothing  # noqa: B018


def test_every_entry_point_is_listed() -> None:
    import govkg

    assert set(govkg.__all__) == {"__version__", *govkg._ENTRY_POINTS}


def test_a_query_process_imports_neither_the_pages_nor_scipy() -> None:
    """``python -m govkg.server.worker`` starts for every runaway query stopped: it loads what
    runs queries, not the app, the pages or the ideal points' scipy."""
    import subprocess
    import sys

    loaded = subprocess.run(
        [sys.executable, "-c", "import govkg.server.worker, sys; print(sorted(m for m in "
         "sys.modules if m in ('scipy', 'govkg.server.app', 'govkg.site.profile_pages', "
         "'matplotlib')))"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert loaded.stdout.strip() == "[]"
