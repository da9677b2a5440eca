"""Whether an error keeps one of pyoxigraph's query answers alive: pyoxigraph refuses to drop an
answer on another thread than the one that made it (it leaks it, with a warning), and an error
kept in a reference cycle is dropped wherever the collector runs."""

from __future__ import annotations

import pyoxigraph as ox


def answers_held(error: BaseException) -> list[str]:
    """The frames in ``error``'s traceback, and in those of the errors it carries, that still
    hold a query answer (pyoxigraph's solutions or triples), by function and name."""
    held: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        trace = current.__traceback__
        while trace is not None:
            frame = trace.tb_frame
            held += [
                f"{frame.f_code.co_name}: {name}"
                for name, value in frame.f_locals.items()
                if isinstance(value, (ox.QuerySolutions, ox.QueryTriples))
            ]
            trace = trace.tb_next
        current = current.__context__ or current.__cause__
    return held
