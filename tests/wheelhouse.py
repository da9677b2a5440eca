"""Wheels of the distributions installed in this virtual environment, so that a fresh one can be
given govkg's dependencies by pip without the network (tests/test_wheel.py).

A distribution installed from a wheel keeps every file it installed, listed in its ``RECORD``,
and its tags in ``WHEEL``: packed again, they make a wheel pip installs as it installed the
original (console scripts are made again from ``entry_points.txt``; files installed outside
site-packages, the scripts, are left out).
"""

from __future__ import annotations

import base64
import hashlib
import re
import zipfile
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

#: Files of an installed distribution's metadata that the installer wrote (not in a wheel).
INSTALLER_FILES = {"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"}


def requirements_closure(requires: Iterable[str]) -> list[metadata.Distribution]:
    """The installed distributions that ``requires`` (``Requires-Dist`` lines) needs, with
    theirs and their extras' (``rdflib[html]``), for this interpreter; an unsatisfied
    requirement raises LookupError."""
    found: dict[str, metadata.Distribution] = {}
    done: set[tuple[str, str]] = set()
    pending = [(Requirement(line), "") for line in requires]
    while pending:
        requirement, extra = pending.pop()
        environment = {k: str(v) for k, v in default_environment().items()} | {"extra": extra}
        if requirement.marker is not None and not requirement.marker.evaluate(environment):
            continue
        name = canonicalize_name(requirement.name)
        dist = found.get(name) or _installed(requirement)
        found[name] = dist
        for wanted in ("", *sorted(requirement.extras)):
            if (name, wanted) not in done:
                done.add((name, wanted))
                pending += [(Requirement(line), wanted) for line in dist.requires or []]
    return sorted(found.values(), key=lambda d: canonicalize_name(d.metadata["Name"]))


def _installed(requirement: Requirement) -> metadata.Distribution:
    try:
        dist = metadata.distribution(requirement.name)
    except metadata.PackageNotFoundError:
        raise LookupError(f"{requirement} is not installed here") from None
    if not requirement.specifier.contains(dist.version, prereleases=True):
        raise LookupError(f"{requirement}: {dist.version} is installed here")
    return dist


def _tags(dist: metadata.Distribution) -> str:
    """The wheel's compressed tag set (``cp311-cp311-manylinux_2_17_x86_64.manylinux2014…``)."""
    lines = (dist.read_text("WHEEL") or "").splitlines()
    tags = [line.split(":", 1)[1].strip().split("-") for line in lines if line.startswith("Tag:")]
    if not tags:
        raise LookupError(f"{dist.metadata['Name']}: its WHEEL lists no tag")
    return "-".join(".".join(dict.fromkeys(tag[i] for tag in tags)) for i in range(3))


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def repack(dist: metadata.Distribution, folder: Path) -> Path:
    """A wheel of the installed ``dist`` in ``folder``: the files of its RECORD below
    site-packages and a new RECORD."""
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    target = folder / f"{name}-{dist.version}-{_tags(dist)}.whl"
    base = Path(str(dist.locate_file("")))
    files = [Path(str(f)) for f in dist.files or []]
    info = next(f.parts[0] for f in files if f.parts[0].endswith(".dist-info"))
    lines = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as wheel:
        for relative in files:
            if relative.parts[0] == ".." or "__pycache__" in relative.parts:
                continue
            if relative.parts[0] == info and relative.name in INSTALLER_FILES:
                continue
            data = (base / relative).read_bytes()
            wheel.writestr(relative.as_posix(), data)
            lines.append(f"{relative.as_posix()},{_record_hash(data)},{len(data)}")
        lines.append(f"{info}/RECORD,,")
        wheel.writestr(f"{info}/RECORD", "\n".join(lines) + "\n")
    return target


def wheelhouse(requires: Iterable[str], folder: Path) -> list[Path]:
    """A wheel in ``folder`` of every installed distribution ``requires`` needs."""
    folder.mkdir(parents=True, exist_ok=True)
    return [repack(dist, folder) for dist in requirements_closure(requires)]
