"""pyrudof (rudof's SHACL validator, Rust) as a third engine on the W3C SHACL test suite.

:func:`rudof_report` validates a Turtle data file against a Turtle shapes file with pyrudof and
returns its report as an rdflib Graph, for ``tests/w3c_shacl.py`` to judge like the other engines'.
Both files are read strictly (an error is an error, never a skipped triple), each with its own
``file://`` URL as base, as the runner and govkg read them (``path.resolve().as_uri()``).  The
report is taken as N-Triples and parsed by Oxigraph, so its literals stay as pyrudof wrote them.

What pyrudof says it does not support raises :class:`RudofRefused` (an ``UnsupportedShape``: the
runner counts it as refused); any other pyrudof error raises :class:`RudofFailed` (a
``GovkgError``: a pass where the test expects a failure, else wrong).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pyrudof
from rdflib import Graph

from govkg.errors import GovkgError, UnsupportedShape
from govkg.rdf import graph_from_quads

#: A pyrudof message that declines a feature rather than reporting bad input.
DECLINED = re.compile(r"unsupported|not (yet )?(supported|implemented)", re.IGNORECASE)


class RudofRefused(UnsupportedShape):
    """pyrudof declined a feature the shapes use; nothing was checked."""


class RudofFailed(GovkgError):
    """pyrudof could not read the files or run the validation."""


def rudof_report(data: Path, shapes: Path) -> Graph:
    """pyrudof's SHACL validation report (sh:ValidationReport, sh:conforms, sh:result …) on the
    Turtle file ``data`` against the Turtle file ``shapes`` (they may be the same file)."""
    try:
        report = _validate(data, shapes)
    except pyrudof.RudofError as error:
        raise _translated(error) from error
    except BaseException as error:  # a Rust panic (todo!()) is pyo3's PanicException
        if type(error).__name__ != "PanicException":
            raise
        raise _translated(error) from error
    return graph_from_quads(ox.parse(report.encode(), format=ox.RdfFormat.N_TRIPLES))


def _validate(data: Path, shapes: Path) -> str:
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    strict = pyrudof.ReaderMode.Strict
    rudof.read_data(data, format=pyrudof.RDFFormat.Turtle, base=_base(data), reader_mode=strict)
    rudof.read_shacl(
        shapes, format=pyrudof.ShaclFormat.Turtle, base=_base(shapes), reader_mode=strict
    )
    rudof.validate_shacl()
    return rudof.serialize_shacl_validation_results(
        format=pyrudof.ResultShaclValidationFormat.NTriples
    )


def _base(path: Path) -> str:
    return path.resolve().as_uri()


def _translated(error: BaseException) -> GovkgError:
    message = f"pyrudof: {type(error).__name__}: {error}"
    if isinstance(error, pyrudof.UnsupportedOperationError) or DECLINED.search(str(error)):
        return RudofRefused(message)
    return RudofFailed(message)
