"""What ``govkg export`` was asked for, checked before anything is loaded or written."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from govkg.align import Filters
from govkg.errors import RequestError, escaped, quoted
from govkg.export.filters import has_filters

VIEWS = ("stances", "alignment", "dialogues", "full")
FORMATS = ("gexf", "graphml", "csv")
MEASURES = ("agreement", "kappa", "s", "jaccard")
LAYOUTS = ("spring",)
DEFAULT_MEASURE = "agreement"
DEFAULT_THRESHOLD = 0.5
SUFFIXES = {"gexf": ".gexf", "graphml": ".graphml"}


#: The word an unknown value is called by (the same on the command line and in Python).
_WORDS = {"fmt": "format"}


def _choice(parameter: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        listed = " or ".join([", ".join(choices[:-1]), choices[-1]] if choices[1:] else choices)
        word = _WORDS.get(parameter, parameter)
        raise RequestError(parameter, f"unknown {word} {quoted(value)}: choose {listed}")
    return value


@dataclass(frozen=True)
class ExportRequest:
    """A checked export request: every problem is a :class:`RequestError` naming the parameter,
    raised when the request is made, before anything is loaded or written."""

    fmt: str
    view: str
    out: Path | None = None
    filters: Filters = field(default_factory=Filters)
    measure: str = DEFAULT_MEASURE
    threshold: float = DEFAULT_THRESHOLD
    layout: str | None = None

    def __post_init__(self) -> None:
        _choice("fmt", self.fmt, FORMATS)
        _choice("view", self.view, VIEWS)
        if self.view == "full" and has_filters(self.filters):
            raise RequestError("filters", "{filters} do not apply to view full")
        _choice("measure", self.measure, MEASURES)
        if math.isnan(self.threshold):
            raise RequestError("threshold", "{threshold} nan: expected a number")
        if self.layout is not None:
            _choice("layout", self.layout, LAYOUTS)
        self.targets()  # a missing folder is an error before anything is loaded

    @classmethod
    def create(
        cls,
        fmt: str,
        view: str,
        *,
        out: Path | None = None,
        filters: Filters | None = None,
        measure: str | None = None,
        threshold: float | None = None,
        layout: str | None = None,
    ) -> ExportRequest:
        """A request where ``measure`` and ``threshold``, given, apply to view alignment only."""
        for name, value in (("measure", measure), ("threshold", threshold)):
            if value is not None and view != "alignment":
                raise RequestError(name, f"{{{name}}} applies to view alignment only")
        return cls(
            fmt, view, out, filters or Filters(),
            measure if measure is not None else DEFAULT_MEASURE,
            threshold if threshold is not None else DEFAULT_THRESHOLD,
            layout,
        )  # fmt: skip

    def targets(self) -> list[Path]:
        """The files the export writes (none: standard output), checked to be writable places."""
        if self.fmt == "csv":
            if self.out is None:
                raise RequestError(
                    "out", "csv writes two tables: give {out} FOLDER or {out} PREFIX"
                )
            prefix = self.out / self.view if self.out.is_dir() else self.out
            paths = [prefix.with_name(f"{prefix.name}-{t}.csv") for t in ("nodes", "edges")]
        elif self.out is None:
            return []
        elif self.out.is_dir():
            raise RequestError(
                "out", f"{{out}} {escaped(self.out)}: is a folder; name a {SUFFIXES[self.fmt]} file"
            )
        else:
            paths = [self.out]
        folder = paths[0].parent
        if not folder.is_dir():
            problem = "is a file, not a folder" if folder.exists() else "does not exist"
            raise RequestError(
                "out", f"{{out}} {escaped(self.out)}: folder {escaped(folder)} {problem}"
            )
        return paths

    def describe(self) -> str:
        """The request as a command line, for the file's metadata."""
        words = [f"govkg export {self.fmt} --view {self.view}"]
        for option, values in (
            ("--instruments", self.filters.instruments),
            ("--series", self.filters.series),
        ):
            if values:
                words.append(f"{option} {','.join(values)}")
        for option, value in (("--from", self.filters.date_from), ("--to", self.filters.date_to)):
            if value:
                words.append(f"{option} {value}")
        if self.view == "alignment":
            words.append(f"--measure {self.measure} --threshold {self.threshold:g}")
        if self.layout:
            words.append(f"--layout {self.layout}")
        return " ".join(words)
