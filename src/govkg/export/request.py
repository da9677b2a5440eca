"""What ``govkg export`` was asked for, checked before anything is loaded or written."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govkg.align import Filters
from govkg.errors import ExportError
from govkg.export.filters import check_date, has_filters

VIEWS = ("stances", "alignment", "dialogues", "full")
FORMATS = ("gexf", "graphml", "csv")
MEASURES = ("agreement", "kappa", "s", "jaccard")
LAYOUTS = ("spring",)
DEFAULT_MEASURE = "agreement"
DEFAULT_THRESHOLD = 0.5
SUFFIXES = {"gexf": ".gexf", "graphml": ".graphml"}


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split(",") if p.strip())


def _choice(what: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        listed = " or ".join([", ".join(choices[:-1]), choices[-1]] if choices[1:] else choices)
        raise ExportError(f"unknown {what} {value!r}: choose {listed}")
    return value


@dataclass(frozen=True)
class ExportRequest:
    """A checked export request."""

    fmt: str
    view: str
    out: Path | None = None
    filters: Filters = field(default_factory=Filters)
    measure: str = DEFAULT_MEASURE
    threshold: float = DEFAULT_THRESHOLD
    layout: str | None = None

    @classmethod
    def from_options(cls, fmt: str, options: Mapping[str, Any]) -> ExportRequest:
        """Check the command-line options; every problem is one :class:`ExportError`."""
        view = _choice("view", options.get("view") or "", VIEWS)
        filters = Filters(
            instruments=_split(options.get("instruments")),
            series=_split(options.get("series")),
            date_from=check_date("--from", options.get("date_from") or ""),
            date_to=check_date("--to", options.get("date_to") or ""),
        )
        if view == "full" and has_filters(filters):
            raise ExportError("--instruments, --series, --from and --to do not apply to view full")
        out = options.get("out")
        if out and str(out).endswith(("/", os.sep)) and not Path(out).is_dir():
            raise ExportError(f"--out {out}: folder does not exist")
        request = cls(
            fmt=_choice("format", fmt, FORMATS),
            view=view,
            out=Path(out) if out else None,
            filters=filters,
            measure=_measure(view, options.get("measure")),
            threshold=_threshold(view, options.get("threshold")),
            layout=_choice("layout", options["layout"], LAYOUTS) if options.get("layout") else None,
        )
        request.targets()  # a missing folder is an error before anything is loaded
        return request

    def targets(self) -> list[Path]:
        """The files the export writes (none: standard output), checked to be writable places."""
        if self.fmt == "csv":
            if self.out is None:
                raise ExportError("csv writes two tables: give --out FOLDER or --out PREFIX")
            prefix = self.out / self.view if self.out.is_dir() else self.out
            paths = [prefix.with_name(f"{prefix.name}-{t}.csv") for t in ("nodes", "edges")]
        elif self.out is None:
            return []
        elif self.out.is_dir():
            raise ExportError(f"--out {self.out}: is a folder; name a {SUFFIXES[self.fmt]} file")
        else:
            paths = [self.out]
        folder = paths[0].parent
        if not folder.is_dir():
            problem = "is a file, not a folder" if folder.exists() else "does not exist"
            raise ExportError(f"--out {self.out}: folder {folder} {problem}")
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


def _measure(view: str, value: str | None) -> str:
    if value is None:
        return DEFAULT_MEASURE
    if view != "alignment":
        raise ExportError("--measure applies to view alignment only")
    return _choice("measure", value, MEASURES)


def _threshold(view: str, value: str | float | None) -> float:
    if value is None:
        return DEFAULT_THRESHOLD
    if view != "alignment":
        raise ExportError("--threshold applies to view alignment only")
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if math.isnan(number):
        raise ExportError(f"--threshold {value!r}: expected a number")
    return number
