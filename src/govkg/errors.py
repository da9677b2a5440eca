"""govkg's errors.  Each prints as one line that says where and what; each carries its exit code.

Exit codes are a contract: 0 success or conforms, 1 the data does not conform or a check found
problems, 2 could not load or run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_ERROR = 2


class GovkgError(Exception):
    """Base of every error govkg reports to a user; ``str(error)`` is the one line to print."""

    exit_code = EXIT_ERROR

    def __str__(self) -> str:
        return one_line(super().__str__())


def one_line(text: str) -> str:
    """A message on one line: line breaks (as in a parser's message) become spaces."""
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


class LoadError(GovkgError):
    """A file could not be read or parsed."""

    def __init__(self, path: str, message: str, line: int | None = None, column: int | None = None):
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        where = path if line is None else f"{path}:{line}" + (f":{column}" if column else "")
        super().__init__(f"{where}: {message}")


class QueryError(GovkgError):
    """A query could not be found, parsed or run."""


class ParameterError(GovkgError):
    """A query parameter is unknown, missing or has a value of the wrong kind."""


class RequestError(GovkgError):
    """A library call was given a value a parameter cannot take.  ``{parameter}`` in the
    message stands for a parameter: the library shows its own name (``date_from``), a front end
    its option (``--from``), so each error names what the user typed.  Literal braces are
    doubled (:func:`escaped`)."""

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        self.message = message
        super().__init__(self.shown({}))

    def shown(self, names: Mapping[str, str]) -> str:
        """The message with each parameter called by ``names`` (else by its own name)."""

        def part(match: re.Match[str]) -> str:
            return match[0][0] if match[1] is None else names.get(match[1], match[1])

        return _PLACEHOLDER.sub(part, self.message)


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{(\w+)\}")


def escaped(text: object) -> str:
    """Text for a :class:`RequestError` message, its braces doubled."""
    return str(text).replace("{", "{{").replace("}", "}}")


def quoted(value: object) -> str:
    """A value as a :class:`RequestError` message shows it: quoted, braces doubled."""
    return escaped(repr(value))


class StoreError(GovkgError):
    """The store could not be opened or answered with an error."""


class NotReadyError(GovkgError):
    """What was asked for is still being worked out (a whole-graph computation that takes
    minutes on a large graph): ask again after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RowError(QueryError):
    """A query's answer holds a value of another kind than its reader expects (an IRI where an
    integer is read), or none where one is needed."""


class CsvError(GovkgError):
    """A CSV file has a row or column govkg cannot import."""

    def __init__(self, path: str, message: str, row: int | None = None, column: str | None = None):
        self.path = path
        self.row = row
        self.column = column
        where = path
        if row is not None:
            where += f": row {row}"
        if column is not None:
            where += f", column {column}"
        super().__init__(f"{where}: {message}")


class ExportError(GovkgError):
    """An export could not be built or written; nothing was written."""


class ImportRefused(GovkgError):
    """An import would leave the graph failing validation; nothing was written."""


class PublishError(GovkgError):
    """The site could not be built or written; OUTDIR is left as it was."""


class UnsupportedShape(GovkgError):
    """A shape uses SHACL that the SPARQL validation engine cannot evaluate; nothing was checked."""


class ProtocolError(Exception):
    """A request the server refuses: its HTTP status and a plain one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
