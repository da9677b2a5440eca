"""A second SHACL engine: govkg's shapes compiled into SPARQL queries run on the store itself.

pySHACL needs the graph as an in-memory rdflib Graph and evaluates each constraint node by node
in Python: fine for the shipped graph, minutes at a few hundred thousand triples.  This engine
reads the shapes graph (:mod:`.shapes`), compiles each constraint of each targeted shape into one
SELECT query over the whole store (:mod:`.queries`, :mod:`.checks`), runs them
(:mod:`.engine`) and gives the same results as pySHACL (``tests/test_shacl_sparql.py`` checks
every shape fixture and the shipped graph).  A shape using SHACL it does not implement raises
:class:`govkg.errors.UnsupportedShape`: nothing is silently skipped.
"""

from govkg.shacl_sparql.compile import Found
from govkg.shacl_sparql.engine import (
    CompiledShapes,
    compile_shapes,
    count_triples,
    files_of,
    results_graph,
    run,
    with_shapes_graph,
)
from govkg.shacl_sparql.paths import compact_path, path_text

__all__ = [
    "CompiledShapes",
    "Found",
    "compact_path",
    "compile_shapes",
    "count_triples",
    "files_of",
    "path_text",
    "results_graph",
    "run",
    "with_shapes_graph",
]
