"""The pages process of ``govkg serve``: the app (pages, documents, the query page, every path
but ``/sparql``'s queries) served by uvicorn on the private Unix socket the supervisor made.

``python -m govkg.server.pages_process ROOT FOLDER FD LIMITS ENDPOINT SUPERVISOR SOCKET_FOLDER``;
started by
:mod:`govkg.server.endpoint_pages`, at the server's start or at the first page request.  The
query processes relay requests to it (:mod:`govkg.server.endpoint_relay`); its own SPARQL
queries go to the server's ``/sparql`` at ``ENDPOINT`` (:class:`FrontRunner`), so it starts no
query process of its own.  It ends when its supervisor has ended.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time

import uvicorn

from govkg.errors import GovkgError
from govkg.project import find_project
from govkg.server.app import create_app
from govkg.server.front_runner import FrontRunner
from govkg.server.idle_store import let_go_when_idle
from govkg.server.settings import ServerSettings
from govkg.store import OxigraphStore

#: Seconds the app has to finish its answers when stopped.
STOP_GRACE = 5


def main(argv: list[str]) -> int:
    root, folder, fd, limits, endpoint, supervisor, socket_folder = argv[:7]
    options = json.loads(limits)
    for name in ("access_log", "pages"):
        options.pop(name, None)
    try:
        project = find_project(root)
        store = OxigraphStore.read_only(folder)
    except GovkgError as error:
        print(f"govkg serve: the pages could not start: {error}", file=sys.stderr)
        return 2
    app = create_app(store, ServerSettings(**options), project, runner=FrontRunner(endpoint))
    let_go_when_idle(store)
    watcher = threading.Thread(target=_end_with, args=(int(supervisor), socket_folder), daemon=True)
    watcher.start()
    uvicorn.run(
        app,
        fd=int(fd),
        log_level="warning",
        access_log=False,
        proxy_headers=False,
        timeout_graceful_shutdown=STOP_GRACE,
    )
    return 0


def _end_with(supervisor: int, socket_folder: str) -> None:
    """End this process once its supervisor has ended (killed: nobody else stops it), removing
    the socket's folder as the supervisor would have."""
    while os.getppid() == supervisor:
        time.sleep(1.0)
    shutil.rmtree(socket_folder, ignore_errors=True)
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
