"""What a SPARQL constraint's SELECT query returns, read with rdflib's parser (as pySHACL reads it).

The engine pre-binds ``$this`` through the store, which needs the query to return ``$this``
(Oxigraph refuses to bind a variable a query does not project); a constraint that does not is
refused here, when the shapes are compiled, rather than failing half-way through a validation.
"""

from __future__ import annotations

from rdflib.plugins.sparql import prepareQuery

from govkg.errors import UnsupportedShape


def projected_variables(query: str, where: str) -> list[str]:
    """The variables a constraint's SELECT returns; ``where`` names the shape for errors."""
    try:
        algebra = prepareQuery(query).algebra
    except Exception as error:  # rdflib's parser raises several kinds
        raise UnsupportedShape(f"{where}: the SPARQL constraint does not parse: {error}") from None
    if algebra.name != "SelectQuery":
        raise UnsupportedShape(f"{where}: a SPARQL constraint must be a SELECT query")
    variables = [str(v) for v in algebra.PV]
    if "this" not in variables:
        raise UnsupportedShape(
            f"{where}: the SPARQL constraint must return $this (the sparql engine pre-binds it "
            "through the store); use --engine pyshacl"
        )
    return variables
