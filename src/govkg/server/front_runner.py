"""The runner of the pages process of ``govkg serve``: its queries (the query page's, a
``/sparql`` request the app answers) are sent to the server's own ``/sparql``, whose query
processes run them, stop them at their time limit, and answer the other clients meanwhile.

The pages process has no query processes of its own: a runaway query is stopped where every
other query is, and the pages process holds only the app.
"""

from __future__ import annotations

import httpx

from govkg.server.execute import Job
from govkg.server.results import TRUNCATED, Answer
from govkg.server.runner import Runner

#: Seconds beyond a query's time limit to wait for the endpoint's answer (its 503 at the limit
#: comes first).
MARGIN = 10.0


class FrontRunner(Runner):
    """Sends each job to the endpoint at ``url`` (``http://127.0.0.1:PORT/sparql``)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._client: httpx.AsyncClient | None = None

    async def run(self, job: Job, timeout: float) -> Answer:
        form = [("query", job.query), ("timeout", f"{timeout:g}")]
        if job.dataset is not None:
            form += [("default-graph-uri", iri) for iri in job.dataset.default_graphs]
            form += [("named-graph-uri", iri) for iri in job.dataset.named_graphs]
        headers = {"Accept": job.accept or "*/*"}
        data = dict(_grouped(form))
        for _attempt in range(2):  # a kept connection the server has just closed: once more
            try:
                response = await self._http().post(
                    self.url, data=data, headers=headers, timeout=timeout + MARGIN
                )
                return to_answer(response)
            except (httpx.RemoteProtocolError, httpx.ReadError) as error:
                failed: httpx.HTTPError = error
            except httpx.HTTPError as error:
                failed = error
                break
        message = f"the query processes could not be reached: {type(failed).__name__}"
        return Answer.error(503, message)

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            # kept 2 s: the server closes a connection idle for 5 s
            limits = httpx.Limits(keepalive_expiry=2.0)
            self._client = httpx.AsyncClient(trust_env=False, limits=limits)
        return self._client

    def close(self) -> None:
        self._client = None  # its connections close with the process


def _grouped(form: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in form:
        grouped.setdefault(name, []).append(value)
    return grouped


def to_answer(response: httpx.Response) -> Answer:
    """The endpoint's response as the runner's answer (an error's message from its text)."""
    media = response.headers.get("content-type", "application/octet-stream")
    if response.status_code >= 400:
        return Answer.error(response.status_code, response.text.rstrip("\n"))
    headers = {"Vary": "Accept"}
    if TRUNCATED in response.headers:
        headers[TRUNCATED] = response.headers[TRUNCATED]
    return Answer(response.status_code, media, response.content, headers)
