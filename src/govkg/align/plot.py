"""Pictures of alignment for papers: a heatmap of the pair matrix ordered by bloc, and a line chart
of one pair's measures over time.  Written with matplotlib (no screen needed) as PNG or SVG (text
kept as text).  Each says what its points rest on: the n of every period, the cells left blank
and why, the actors left out."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np

from govkg.errors import GovkgError, RequestError, escaped

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # the backend is chosen first
from matplotlib.artist import Artist
from matplotlib.colors import ListedColormap
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

FORMATS = (".png", ".svg")
SMALL = 20  # up to this many actors, each heatmap cell shows its n
LOW = "#d0d0d0"  # cells and periods resting on fewer than --min-n instruments
BLOC_EDGE = "#d62728"
UNDEFINED = {
    "kappa": "no variance: both gave one and the same answer on every instrument in common",
    "pi": "no variance: both gave one and the same answer on every instrument in common",
    "jaccard": "neither signed any instrument",
}
LINE_CAPTION = (
    "n = the number of instruments both actors have a code for in the period (under each "
    "period; marker area grows with n). Shaded periods, with hollow points and dashed lines, "
    "rest on fewer than --min-n {min_n} instruments: one or two votes can swing the value from "
    "-1 to 1. A gap is an undefined value (see the note column)."
)


def check_path(path: Path) -> None:
    """Refuse a picture file name govkg cannot write, before any work is done."""
    if path.suffix.lower() not in FORMATS:
        raise RequestError("plot", f"{{plot}} {escaped(path)}: the file must end in .png or .svg")
    if not path.parent.is_dir():
        problem = "is a file, not a folder" if path.parent.exists() else "does not exist"
        raise RequestError(
            "plot", f"{{plot}} {escaped(path)}: folder {escaped(path.parent)} {problem}"
        )


def save_figure(figure: plt.Figure, path: Path) -> None:
    """Write atomically: a temporary file in the same folder, renamed into place."""
    temporary = path.with_name(f".{path.name}.tmp{path.suffix}")
    try:
        with plt.rc_context({"svg.fonttype": "none"}):  # SVG text stays searchable text
            figure.savefig(temporary, dpi=150, bbox_inches="tight")
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise GovkgError(f"cannot write {path}: {error.strerror}") from None
    finally:
        plt.close(figure)


def _caption(figure: plt.Figure, text: str, width: int, top: float, left: float = 0.02,
             size: float = 8.0) -> None:  # fmt: skip
    """A caption under the axes, wrapped to ``width`` characters."""
    wrapped = "\n".join(textwrap.wrap(text, width))
    figure.text(left, top, wrapped, ha="left", va="top", fontsize=size, color="#333333")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


@dataclass(frozen=True)
class HeatmapData:
    """What the heatmap draws: the measure and the counts (n) over the shown actors, their
    labels, the blocs (lists of indices), and the actors left out under ``min_n``."""

    values: np.ndarray
    counts: np.ndarray
    labels: tuple[str, ...]
    groups: Sequence[Sequence[int]]
    measure: str
    min_n: int
    left_out: tuple[str, ...] = ()
    #: What the lists behind the measures are worth (:func:`govkg.coverage.Coverage.caption`).
    coverage: str = ""

    @property
    def order(self) -> list[int]:
        return [i for group in self.groups for i in group]

    def ordered(self) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """Values (NaN where undefined), a mask of cells under min_n, and labels, by bloc."""
        order = self.order
        values = self.values[np.ix_(order, order)]
        low = self.counts[np.ix_(order, order)] < self.min_n
        np.fill_diagonal(low, False)
        return np.where(low, np.nan, values), low, [self.labels[i] for i in order]

    def ordered_counts(self) -> np.ndarray:
        """The counts (n) in bloc order."""
        return self.counts[np.ix_(self.order, self.order)]

    def caption(self) -> str:
        values, low, labels = self.ordered()
        blank = int(np.isnan(values[~low]).sum() - np.isnan(np.diag(values)).sum()) // 2
        why = UNDEFINED.get(self.measure, "no instrument in common")
        white = (f" White cell ({_count(blank, 'pair')}): {self.measure} is undefined ({why})."
                 if blank else "")  # fmt: skip
        single = sum(1 for g in self.groups if len(g) == 1)
        alone = (f" The last {_count(single, 'actor')} are each a bloc of their own (no positive "
                 f"{self.measure} with anyone at n ≥ {self.min_n}), not outlined."
                 if single else "")  # fmt: skip
        left = (f" Left out, with fewer than {self.min_n} instruments in common with every other "
                f"actor: {_count(len(self.left_out), 'actor')}, {' '.join(self.left_out)}."
                if self.left_out else "")  # fmt: skip
        numbers = (" The number in each cell is n, the instruments the pair has in common."
                   if len(labels) <= SMALL else "")  # fmt: skip
        return (
            f"{self.measure} of each pair of {len(labels)} actors, ordered by bloc (Louvain "
            f"communities, outlined in red). Grey cell: the pair has fewer than {self.min_n} "
            f"instruments in common (--min-n {self.min_n})."
            + white
            + alone
            + left
            + numbers
            + (f" {self.coverage}" if self.coverage else "")
        )


def heatmap(data: HeatmapData, title: str, path: Path) -> None:
    """The pair matrix of one measure, actors ordered and outlined by bloc, blank cells
    explained in the caption; up to ``SMALL`` actors, each cell shows its n."""
    check_path(path)
    values, low, labels = data.ordered()
    count = len(labels)
    if not count:
        raise RequestError("plot", f"{{plot}}: no two actors have {data.min_n} instruments in "
                           "common, nothing to draw (try a lower {min_n})")  # fmt: skip
    cell = 0.16 if count <= 80 else 0.13
    inches = min(max(6.0, count * cell), 40.0)
    font = max(3.0, min(9.0, cell * 72 * 0.62))  # the actor labels
    text = max(8.0, min(14.0, inches * 0.6))  # the title and the caption
    figure, axes = plt.subplots(figsize=(inches + 2.5, inches))
    image = _cells(axes, values, low)
    if count <= SMALL:
        _write_counts(axes, data.ordered_counts(), values)
    axes.set_xticks(range(count), labels, rotation=90, fontsize=font, family="monospace")
    axes.set_yticks(range(count), labels, fontsize=font, family="monospace")
    axes.tick_params(length=1.5, pad=1, top=True, labeltop=True, right=False)
    _outline_blocs(axes, [len(g) for g in data.groups], count, font)
    label_width = len(f"bloc {len(data.groups)}") * 0.62 * (font + 3) / 72  # inches
    bar = figure.colorbar(image, ax=axes, fraction=0.035, pad=0.03 + label_width / inches)
    bar.set_label(data.measure)
    axes.set_title(title, fontsize=text + 4, pad=font * 4)
    box = axes.get_position()  # the caption goes under the bottom labels, from the matrix's left
    width = (1 - box.x0 - 0.02) * (inches + 2.5) * 72 / (text * 0.55)
    below = (font * 3.2 + 10) / 72 / inches
    _caption(figure, data.caption(), width=int(width), top=box.y0 - below, left=box.x0,
             size=text)  # fmt: skip
    save_figure(figure, path)


def _cells(axes: plt.Axes, values: np.ndarray, low: np.ndarray) -> AxesImage:
    """Grey cells under min_n, the measure in colour, white where it is undefined."""
    axes.set_facecolor("white")
    axes.imshow(np.ma.masked_where(~low, np.ones_like(values)), cmap=ListedColormap([LOW]),
                vmin=0, vmax=1, interpolation="nearest")  # fmt: skip
    lowest = min(0.0, float(np.nanmin(values))) if np.isfinite(values).any() else 0.0
    return axes.imshow(np.ma.masked_invalid(values), cmap="viridis", vmin=lowest, vmax=1.0,
                       interpolation="nearest")  # fmt: skip


def _write_counts(axes: plt.Axes, counts: np.ndarray, values: np.ndarray) -> None:
    """Each cell's n, dark on light cells and light on dark ones."""
    for (row, column), n in np.ndenumerate(counts):
        dark = np.isfinite(values[row, column]) and values[row, column] < 0.5
        axes.text(column, row, str(int(n)), ha="center", va="center", fontsize=7,
                  color="white" if dark else "black")  # fmt: skip


def _outline_blocs(axes: plt.Axes, sizes: Sequence[int], total: int, font: float) -> None:
    """A red square round each bloc of two or more on the diagonal, a thin line between blocs
    across the matrix, and the bloc's number beside it; actors alone in a bloc are not outlined."""
    start = 0
    for number, size in enumerate(sizes, start=1):
        if size < 2:
            break  # blocs come largest first: the rest are actors alone
        axes.add_patch(plt.Rectangle((start - 0.5, start - 0.5), size, size, fill=False,
                                     edgecolor=BLOC_EDGE, linewidth=2.0))  # fmt: skip
        for edge in (start, start + size):
            if 0 < edge < total:
                axes.axhline(edge - 0.5, color=BLOC_EDGE, linewidth=0.5, alpha=0.7)
                axes.axvline(edge - 0.5, color=BLOC_EDGE, linewidth=0.5, alpha=0.7)
        axes.text(
            total + 0.2,
            start + (size - 1) / 2,
            f"bloc {number}",
            ha="left",
            va="center",
            fontsize=font + 3,
            color=BLOC_EDGE,
            fontweight="bold",
            clip_on=False,
        )  # fmt: skip  (in the margin right of the matrix)
        start += size
    axes.set_xlim(-0.5, total - 0.5)
    axes.set_ylim(total - 0.5, -0.5)


def line_chart(periods: Sequence[str], series: Mapping[str, Sequence[float | None]],
               counts: Sequence[int], min_n: int, title: str, path: Path,
               coverage: str = "") -> None:  # fmt: skip
    """One pair's measures per period, one line per measure, the n of each period under it (and
    as the marker's size); a period resting on fewer than ``min_n`` instruments is shaded grey
    with hollow points; gaps where a measure is undefined."""
    check_path(path)
    figure, axes = plt.subplots(figsize=(8.5, 5))
    x = np.arange(len(periods))
    low = np.array([n < min_n for n in counts], dtype=bool)
    for k in np.flatnonzero(low):
        axes.axvspan(k - 0.4, k + 0.4, color=LOW, alpha=0.45, linewidth=0)
    sizes = np.array([18 + 14 * n for n in counts], dtype=float)
    spread = np.linspace(-0.12, 0.12, len(series)) if len(series) > 1 else [0.0]
    for offset, (name, values) in zip(spread, series.items(), strict=True):
        y = np.array([np.nan if v is None else v for v in values], dtype=float)
        solid = np.where(low, np.nan, y)  # solid between periods at min_n, dashed elsewhere
        (line,) = axes.plot(x + offset, solid, linewidth=1.3, label=name, zorder=2)
        colour = line.get_color()
        axes.plot(x + offset, y, linewidth=1.3, color=colour, linestyle=(0, (3, 2)), zorder=2)
        axes.scatter((x + offset)[~low], y[~low], s=sizes[~low], color=colour, zorder=3)
        axes.scatter((x + offset)[low], y[low], s=sizes[low], facecolor="white",
                     edgecolor=colour, linewidth=1.3, zorder=3)  # fmt: skip
    ticks = [f"{p}\nn = {n}" for p, n in zip(periods, counts, strict=True)]
    for index, tick in enumerate(ticks):
        missing = [name for name, values in series.items() if values[index] is None]
        ticks[index] = tick + (f"\nundefined: {', '.join(missing)}" if missing else "")
    axes.set_xticks(x, ticks)
    for shown, is_low in zip(axes.get_xticklabels(), low, strict=True):
        shown.set_color("#888888" if is_low else "black")
    axes.set_xlim(-0.6, len(periods) - 0.4)
    axes.set_ylabel("value")
    axes.set_ylim(-1.1, 1.1)
    axes.axhline(0, color="grey", linewidth=0.5)
    axes.legend(handles=_line_legend(axes, min_n), loc="upper left", bbox_to_anchor=(1.01, 1),
                fontsize=8, frameon=False)  # fmt: skip
    axes.set_title(title)
    axes.grid(alpha=0.3)
    lines = max(label.count("\n") + 1 for label in ticks)  # under the tick labels
    top = axes.get_position().y0 - (lines * 12 + 10) / 72 / figure.get_figheight()
    caption = LINE_CAPTION.format(min_n=min_n) + (f" {coverage}" if coverage else "")
    _caption(figure, caption, 110, top=top)
    save_figure(figure, path)


def _line_legend(axes: plt.Axes, min_n: int) -> list[Artist]:
    handles, _labels = axes.get_legend_handles_labels()
    return [
        *handles,
        Line2D([], [], linestyle="", marker="o", color="black", label=f"n ≥ {min_n}"),
        Line2D(
            [],
            [],
            linestyle="",
            marker="o",
            markerfacecolor="white",
            color="black",
            label=f"n < {min_n} (--min-n)",
        ),
        Patch(facecolor=LOW, alpha=0.45, label="period under --min-n"),
    ]
