"""Pictures of alignment for papers: a heatmap of the pair matrix ordered by bloc, and a line chart
of one pair's measures over time.  Written with matplotlib (no screen needed) as PNG or SVG."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib
import numpy as np

from govkg.errors import GovkgError

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # the backend is chosen first

FORMATS = (".png", ".svg")


def check_path(path: Path) -> None:
    """Refuse a picture file name govkg cannot write, before any work is done."""
    if path.suffix.lower() not in FORMATS:
        raise GovkgError(f"--plot {path}: the file must end in .png or .svg")
    if not path.parent.is_dir():
        problem = "is a file, not a folder" if path.parent.exists() else "does not exist"
        raise GovkgError(f"--plot {path}: folder {path.parent} {problem}")


def _save(figure: plt.Figure, path: Path) -> None:
    """Write atomically: a temporary file in the same folder, renamed into place."""
    temporary = path.with_name(f".{path.name}.tmp{path.suffix}")
    try:
        figure.savefig(temporary, dpi=150, bbox_inches="tight")
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise GovkgError(f"cannot write {path}: {error.strerror}") from None
    finally:
        plt.close(figure)


def heatmap(values: np.ndarray, labels: Sequence[str], groups: Sequence[Sequence[int]],
            measure: str, title: str, path: Path) -> None:  # fmt: skip
    """The pair matrix of one measure, actors ordered and outlined by bloc."""
    check_path(path)
    order = [i for group in groups for i in group]
    matrix = values[np.ix_(order, order)]
    size = len(order)
    inches = min(max(6.0, size * 0.12), 40.0)
    figure, axes = plt.subplots(figsize=(inches + 1.5, inches))
    lowest = min(0.0, float(np.nanmin(matrix))) if np.isfinite(matrix).any() else 0.0
    image = axes.imshow(np.ma.masked_invalid(matrix), cmap="viridis", vmin=lowest, vmax=1.0,
                        interpolation="nearest")  # fmt: skip
    font = max(2.0, min(9.0, 600.0 / max(size, 1)))
    axes.set_xticks(range(size), [labels[i] for i in order], rotation=90, fontsize=font)
    axes.set_yticks(range(size), [labels[i] for i in order], fontsize=font)
    start = 0
    for group in groups:
        axes.add_patch(plt.Rectangle((start - 0.5, start - 0.5), len(group), len(group),
                                     fill=False, edgecolor="white", linewidth=0.8))  # fmt: skip
        start += len(group)
    bar = figure.colorbar(image, ax=axes, fraction=0.046, pad=0.02)
    bar.set_label(measure)
    axes.set_title(title)
    _save(figure, path)


def line_chart(periods: Sequence[str], series: Mapping[str, Sequence[float | None]], title: str,
               path: Path) -> None:  # fmt: skip
    """One pair's measures per period, one line per measure; gaps where a measure is undefined."""
    check_path(path)
    figure, axes = plt.subplots(figsize=(8, 4.5))
    x = np.arange(len(periods))
    for name, values in series.items():
        y = np.array([np.nan if v is None else v for v in values], dtype=float)
        axes.plot(x, y, marker="o", label=name)
    axes.set_xticks(x, list(periods))
    axes.set_xlabel("period")
    axes.set_ylabel("value")
    axes.set_ylim(-1.05, 1.05)
    axes.axhline(0, color="grey", linewidth=0.5)
    axes.legend(loc="lower left", fontsize=8)
    axes.set_title(title)
    axes.grid(alpha=0.3)
    _save(figure, path)
