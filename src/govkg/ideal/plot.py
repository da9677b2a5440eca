"""A picture of ideal points: each estimated actor's position with its interval, ordered from the
highest, labelled by code and name; written with matplotlib as PNG or SVG (text kept as text)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

from govkg.align.plot import check_path, save_figure

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # the backend is chosen first

__all__ = ["check_path", "positions_chart"]

ROW_INCHES = 0.16
LABEL_CHARACTERS = 30


def _label(row: dict[str, Any]) -> str:
    name = str(row["label"])
    if name == row["actor"]:
        return name
    short = name if len(name) <= LABEL_CHARACTERS else name[: LABEL_CHARACTERS - 1] + "…"
    return f"{row['actor']}  {short}"


def positions_chart(rows: Sequence[dict[str, Any]], title: str, caption: str, path: Path) -> None:
    """Positions (points) and intervals (lines), highest at the top; the number of answers
    each rests on at the right."""
    drawn = [r for r in rows if r["position"] is not None]
    count = len(drawn)
    height = max(3.0, 1.6 + ROW_INCHES * count)
    figure, axes = plt.subplots(figsize=(8.0, height))
    ys = list(range(count, 0, -1))
    for y, row in zip(ys, drawn, strict=True):
        axes.plot([row["lower"], row["upper"]], [y, y], color="#4c72b0", linewidth=1.2)
    axes.plot([r["position"] for r in drawn], ys, "o", color="#1f3d7a", markersize=3.5)
    axes.axvline(0.0, color="#999999", linewidth=0.8, linestyle=":")
    axes.set_yticks(ys, [_label(r) for r in drawn], fontsize=6.5)
    axes.set_ylim(0.3, count + 0.7)
    axes.set_xlabel("position (mean 0, sd 1 over the actors estimated)")
    axes.set_title(title)
    right = axes.secondary_yaxis("right")
    right.set_yticks(ys, [f"n {r['n']}" for r in drawn], fontsize=6)
    axes.grid(axis="x", color="#eeeeee")
    figure.subplots_adjust(bottom=0.75 / height, top=1 - 0.45 / height)
    wrapped = "\n".join(textwrap.wrap(caption, 110))
    figure.text(0.02, 0.1 / height, wrapped, ha="left", va="top", fontsize=7, color="#333333")
    save_figure(figure, path)
