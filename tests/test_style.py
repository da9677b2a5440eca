"""The style gate runs with the tests, so CI fails on lint, formatting or typing problems."""

from __future__ import annotations

import subprocess
import sys

import pytest
from paths import ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]])
def test_ruff(args: list[str]) -> None:
    result = _run("ruff", *args, "src", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy() -> None:
    """``mypy src`` (settings in pyproject.toml) finds nothing."""
    result = _run("mypy", "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found in ")
