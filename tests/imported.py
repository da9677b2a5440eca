"""What a fresh interpreter imports along with some of govkg's modules: for the tests that a
process (a query process, the pages' process, the server) starts without a heavy library."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable

from paths import ROOT


def imported_packages(modules: Iterable[str], among: Iterable[str]) -> list[str]:
    """The packages of ``among`` (top-level names) that importing ``modules`` in a new
    interpreter imports, sorted."""
    code = (
        f"import sys, {', '.join(modules)}; "
        f"print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & {set(among)!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return done.stdout.split()
