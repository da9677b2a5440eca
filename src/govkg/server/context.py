"""What every handler shares: the store, the settings and the runner of untrusted queries."""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field
from pathlib import Path

from govkg.errors import GovkgError
from govkg.project import Project, find_project
from govkg.server.runner import Runner, make_runner
from govkg.server.settings import ServerSettings
from govkg.site.release_history import RELEASES_DIR
from govkg.store import Store


@dataclass
class Context:
    """The state of one app: built once by :func:`govkg.server.create_app`.

    ``project`` is where the query catalogue and the shapes come from (None: the project
    :func:`govkg.project.find_project` finds).
    """

    store: Store
    settings: ServerSettings
    project: Project | None = None
    #: When the app is crawled for a static copy of the site: the SPARQL endpoint that copy
    #: points to ("" when it has none); None when the app serves live.
    copy_endpoint: str | None = None
    #: Whether a page waits for the whole-graph reads it needs (the alignment, a listing) as
    #: long as they take, rather than answer 503 after a while: for one ``govkg serve --get``,
    #: whose process ends with its answer (a static copy's crawl always waits).
    waits: bool = False
    runner: Runner = field(init=False)
    #: The number of rows of each paged listing, counted once (the store does not change while
    #: it is served; see :func:`govkg.paging.run_page`).
    totals: dict[tuple[str, tuple[tuple[str, str], ...]], int] = field(
        init=False, default_factory=dict
    )

    @property
    def patient(self) -> bool:
        """Whether pages wait for whole-graph reads (a crawl, or :attr:`waits`)."""
        return self.waits or self.copy_endpoint is not None

    def served_project(self) -> Project:
        """The project served: the one given, else the one :func:`find_project` finds."""
        return self.project if self.project is not None else find_project()

    def releases(self) -> Path | None:
        """The served project's releases folder (``releases/``), None when no project is found."""
        try:
            return self.served_project().root / RELEASES_DIR
        except GovkgError:
            return None

    #: The runner to use (the pages process's, which sends queries to the endpoint); None:
    #: the one :func:`make_runner` makes for the store.
    given_runner: InitVar[Runner | None] = None

    def __post_init__(self, given_runner: Runner | None) -> None:
        workers = self.settings.query_workers
        self.runner = given_runner or make_runner(
            self.store, workers, self.settings.max_query_workers
        )
