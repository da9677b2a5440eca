"""The bench and maintenance scripts still import against the library as it is now (a renamed
or removed name breaks them only when someone runs them, months later, otherwise)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from paths import ROOT

SCRIPTS = sorted((ROOT / "bench").glob("*.py")) + sorted((ROOT / "scripts").glob("*.py"))


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_script_imports(path: Path) -> None:
    folders = [str(path.parent), str(ROOT / "tests")]
    code = f"import sys; sys.path[:0] = {folders!r}; import {path.stem}"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr.strip().splitlines()[-1:]
