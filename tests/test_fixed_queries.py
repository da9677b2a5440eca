"""govkg's own fixed queries (``src/govkg/**/sparql/*.rq``): each has the catalogue's header,
parses, and is run by a module beside it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from paths import ROOT

from govkg.fixed_queries import with_values
from govkg.namespaces import PREFIXES
from govkg.queries import read_query

SRC = ROOT / "src" / "govkg"
FILES = sorted(SRC.rglob("sparql/*.rq"))


def test_there_are_fixed_queries() -> None:
    assert len(FILES) >= 7


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_each_has_a_header_parses_and_is_used(path: Path) -> None:
    query = read_query(path, path.stem)
    assert query.title != path.stem and query.description  # a "# title:" and "# description:"
    ox.Store().query(query.text, prefixes=PREFIXES)  # a SyntaxError fails the test
    code = "".join(p.read_text(encoding="utf-8") for p in path.parent.parent.glob("*.py"))
    assert f'"{path.stem}"' in code, f"no module beside {path.parent} runs {path.name}"


def test_with_values_fills_or_drops_the_empty_values_block() -> None:
    text = "SELECT ?x WHERE {\n  VALUES ?x { }\n  ?x ?p ?o\n}"
    assert "VALUES ?x { <http://x/a> }" in with_values(text, "x", "<http://x/a>")
    assert "VALUES" not in with_values(text, "x", "")  # every ?x
    with pytest.raises(ValueError, match="no 'VALUES \\?y \\{ \\}' to fill"):
        with_values(text, "y", "<http://x/a>")


def _multi_line_queries() -> list[tuple[str, int, str]]:
    """Every multi-line SPARQL query written as a plain string in src/govkg (not a docstring,
    not part of an f-string): (file, line, kind), kind ``template`` when it has ``{name}``,
    ``{{`` or ``%s`` to fill, else ``fixed``."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
        skip |= {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            text = node.value.strip()
            if id(node) in skip or "\n" not in text or not _QUERY.search(text):
                continue
            kind = "template" if _TEMPLATE.search(text) else "fixed"
            found.append((str(path.relative_to(SRC)), node.lineno, kind))
    return found


_QUERY = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b[\s\S]*\{")
_TEMPLATE = re.compile(r"\{\w+\}|\{\{|%s")


def test_no_fixed_multi_line_query_is_left_in_python() -> None:
    """Fixed queries live in .rq files; what stays in Python is assembled (README, Architecture)."""
    found = _multi_line_queries()
    assert any(kind == "template" for _f, _l, kind in found)  # the scan sees the templates
    assert [f"{f}:{line}" for f, line, kind in found if kind == "fixed"] == []
