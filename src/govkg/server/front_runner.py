"""The runner of the pages process of ``govkg serve``: its queries (the query page's, a
``/sparql`` request the app answers) are sent to the server's own ``/sparql``, whose query
processes run them, stop them at their time limit, and answer the other clients meanwhile.

The pages process has no query processes of its own: a runaway query is stopped where every
other query is, and the pages process holds only the app.  The requests are made with the
standard library's ``http.client`` in a thread each (the pages process imports no HTTP client
library: its memory counts beside the server's).
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

from starlette.concurrency import run_in_threadpool

from govkg.server.execute import Job
from govkg.server.results import TRUNCATED, Answer
from govkg.server.runner import Runner

#: Seconds beyond a query's time limit to wait for the endpoint's answer (its 503 at the limit
#: comes first).
MARGIN = 10.0
#: Seconds a connection is kept unused: the server closes one idle for 5 s.
KEEP_S = 2.0
#: Connections kept unused at most.
KEPT = 4
#: What a kept connection the server has just closed raises: the request is sent once more.
_CLOSED = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class FrontRunner(Runner):
    """Sends each job to the endpoint at ``url`` (``http://127.0.0.1:PORT/sparql``)."""

    def __init__(self, url: str) -> None:
        self.url = url
        parts = urlsplit(url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._path = parts.path or "/"
        self._kept: list[tuple[float, http.client.HTTPConnection]] = []
        self._lock = threading.Lock()

    async def run(self, job: Job, timeout: float) -> Answer:
        form = [("query", job.query), ("timeout", f"{timeout:g}")]
        if job.dataset is not None:
            form += [("default-graph-uri", iri) for iri in job.dataset.default_graphs]
            form += [("named-graph-uri", iri) for iri in job.dataset.named_graphs]
        headers = {
            "Accept": job.accept or "*/*",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return await run_in_threadpool(self._post, urlencode(form).encode(), headers, timeout)

    def _post(self, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
        for _attempt in range(2):
            connection, reused = self._connection(timeout + MARGIN)
            try:
                connection.request("POST", self._path, body, headers)
                response = connection.getresponse()
                headers = {name.lower(): value for name, value in response.getheaders()}
                answer = to_answer(response.status, headers, response.read())
            except _CLOSED as error:
                connection.close()
                failed: Exception = error
                if reused:  # a kept connection the server has just closed: once more
                    continue
                break
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                failed = error
                break
            self._keep(connection, response)
            return answer
        message = f"the query processes could not be reached: {type(failed).__name__}"
        return Answer.error(503, message)

    def _connection(self, timeout: float) -> tuple[http.client.HTTPConnection, bool]:
        """A kept connection used less than :data:`KEEP_S` ago (and True), else a new one."""
        with self._lock:
            while self._kept:
                used, connection = self._kept.pop()
                if time.monotonic() - used < KEEP_S and connection.sock is not None:
                    connection.sock.settimeout(timeout)
                    return connection, True
                connection.close()
        return http.client.HTTPConnection(self._host, self._port, timeout=timeout), False

    def _keep(
        self, connection: http.client.HTTPConnection, response: http.client.HTTPResponse
    ) -> None:
        if response.will_close or connection.sock is None:
            connection.close()
            return
        with self._lock:
            if len(self._kept) < KEPT:
                self._kept.append((time.monotonic(), connection))
                return
        connection.close()

    def close(self) -> None:
        with self._lock:
            kept, self._kept = self._kept, []
        for _used, connection in kept:
            connection.close()


def to_answer(status: int, headers: Mapping[str, str], body: bytes) -> Answer:
    """The endpoint's answer (its status, its headers by their names in lower case, its body) as
    the runner's answer (an error's message from its text)."""
    media = headers.get("content-type", "application/octet-stream")
    if status >= 400:
        return Answer.error(status, body.decode("utf-8", "replace").rstrip("\n"))
    kept = {"Vary": "Accept"}
    if (truncated := headers.get(TRUNCATED.lower())) is not None:
        kept[TRUNCATED] = truncated
    return Answer(status, media, body, kept)
