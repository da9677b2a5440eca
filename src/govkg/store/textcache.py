"""Results of pure functions of a text kept for the texts seen last, as a server sees the same
query (and the same Accept header) again and again: each is read once, not at every request.

Only texts up to ``longest`` characters are kept (a 1 MB query body is read each time rather
than held), ``size`` of them at most, and a call that raises is never kept (it raises again).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def kept_for_texts(
    size: int = 256, longest: int = 8192
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Keep the results of a function whose first argument is a text or its bytes (the others
    hashable)."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        cached = functools.lru_cache(maxsize=size)(function)

        @functools.wraps(function)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            text = args[0]
            if isinstance(text, (str, bytes)) and len(text) <= longest:
                return cached(*args, **kwargs)  # type: ignore[arg-type]
            return function(*args, **kwargs)

        return call

    return decorate
