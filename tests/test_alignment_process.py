"""The pages' alignment of a store on disk, read in a process of its own: the same alignment as
read in the server's process, and a store it cannot read is one line, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from paths import ROOT

from govkg.errors import StoreError
from govkg.load import open_project
from govkg.site import agreement, ideal_pages
from govkg.store import OxigraphStore


def _same(apart: agreement.Alignment, here: agreement.Alignment) -> None:
    """Every part of two alignments equal (arrays value for value, NaN where NaN)."""
    a, b = apart.matrix, here.matrix
    assert (a.actors, a.codes_of, a.labels, a.instruments) == (
        b.actors,
        b.codes_of,
        b.labels,
        b.instruments,
    )
    assert np.array_equal(a.codes, b.codes) and np.array_equal(a.absent, b.absent)
    assert apart.result.values.keys() == here.result.values.keys()
    for name, values in here.result.values.items():
        assert np.array_equal(apart.result.values[name], values, equal_nan=True), name
    assert np.array_equal(apart.kinds, here.kinds)
    assert apart.several == here.several
    assert (apart.regions, apart.short, apart.un_members) == (
        here.regions,
        here.short,
        here.un_members,
    )
    assert apart.coverage == here.coverage


def test_a_store_on_disk_is_read_apart_and_gives_the_same_alignment(tmp_path: Path) -> None:
    memory = open_project(ROOT)[1]
    disk = OxigraphStore(tmp_path / "db")
    disk.load(memory.quads())
    apart = agreement._load(disk)  # a folder: read by python -m govkg.site.alignment_process
    there = apart.worked_out[ideal_pages.WORKED_OUT]  # its ideal points, worked out there
    here = agreement.read(memory)
    assert len(apart.matrix.actors) > 100 and int((apart.matrix.codes > 0).sum()) > 500
    _same(apart, here)
    assert isinstance(there, ideal_pages.IdealPoints)
    assert ideal_pages.ideal_points(apart) is there  # not worked out again here
    points = ideal_pages.ideal_points(here)  # worked out here, from the same matrix
    assert points is not None and points.ranked == there.ranked
    assert points.caption == there.caption
    for code, row in points.rows.items():
        assert there.rows[code].keys() == row.keys()
        for name, value in row.items():
            if isinstance(value, float):
                assert there.rows[code][name] == pytest.approx(value, abs=1e-9), (code, name)
            else:
                assert there.rows[code][name] == value, (code, name)


def test_a_folder_that_cannot_be_read_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "CURRENT").write_text("not a store\n")
    with pytest.raises(StoreError) as error:
        agreement.read_apart(tmp_path / "db")
    message = str(error.value)
    assert message.startswith("the pages' alignment could not be read: ")
    assert "\n" not in message and "Traceback" not in message


def test_the_process_writes_nothing_but_the_alignment(tmp_path: Path) -> None:
    disk = OxigraphStore(tmp_path / "db")
    disk.load(open_project(ROOT)[1].quads())
    del disk
    done = subprocess.run(
        [sys.executable, "-m", "govkg.site.alignment_process", str(tmp_path / "db")],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == b""
    assert done.stdout.startswith(b"\x80")  # a pickle, and only that
