"""``govkg review``: the curator's local review page, a small app that writes review files.

It lists the review files of a folder (``review/`` of the project by default), shows one review
(:mod:`govkg.ingest.review_html`), records each Accept, Reject or Correct in the review file
(atomically, in the format :mod:`govkg.ingest.review` reads) and runs :func:`accept` when asked
to write the accepted facts.  It is never part of ``govkg serve``, which is read-only.

Because it writes files it listens on 127.0.0.1 only (:func:`run_review_page` refuses any other
address), answers only requests whose Host is a loopback name (no DNS rebinding), and takes a
POST only from its own pages: the Origin (or, without one, the Referer) must be the page's own
origin and the form must carry this process's token; anything else is refused with 403 and
nothing is written.  Pages allow scripts, styles and forms of their own origin only.
"""

from __future__ import annotations

import hmac
import secrets
import socket
import threading
from dataclasses import replace
from importlib.resources import files
from pathlib import Path
from urllib.parse import parse_qs, quote

import pyoxigraph as ox
import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from govkg.errors import GovkgError
from govkg.ingest.accept import Accepted, AcceptRefused, accept
from govkg.ingest.review import (
    REVIEW_DIR,
    Review,
    ReviewError,
    decide,
    read_review,
    save_review,
)
from govkg.ingest.review_html import (
    FIELD,
    Listed,
    Message,
    candidate_anchor,
    counts,
    error_html,
    index_html,
    review_href,
    review_html,
)
from govkg.namespaces import expand
from govkg.project import Project
from govkg.store import Store

#: The only address the review page listens on.
LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8765
#: The Host names a request may carry (anything else is refused: DNS rebinding).
LOCAL_HOSTS = ("127.0.0.1", "localhost")
CSP = "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
#: The page's own files, served from ``static/`` beside this module.
STATIC = {"review.css": "text/css; charset=utf-8", "review.js": "text/javascript; charset=utf-8"}
#: A form larger than this is refused (a review's fields are a few hundred bytes).
MAX_FORM = 1 << 20


class ReviewPageError(GovkgError):
    """The review page cannot run as asked (an address other than 127.0.0.1)."""


class Refused(Exception):
    """A request the page refuses: its status and one line."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def check_host(host: str) -> None:
    """Refuse to listen anywhere but 127.0.0.1: the page writes files and has no login."""
    if host != LOOPBACK:
        raise ReviewPageError(
            f"host {host}: the review page listens on {LOOPBACK} only (it writes review files "
            "and the graph, with no login)"
        )


def run_review_page(app: Starlette, port: int, host: str = LOOPBACK) -> None:
    """Serve the review page on ``host`` (127.0.0.1, nothing else) until interrupted; a port
    that cannot be listened on is a one-line :class:`ReviewPageError`."""
    check_host(host)
    with socket.socket() as probe:  # uvicorn's own failure would be a traceback and exit 1
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            reason = error.strerror or str(error)
            raise ReviewPageError(
                f"--port {port}: cannot listen on {host}:{port}: {reason}"
            ) from None
    uvicorn.run(app, host=host, port=port, log_level="warning")


def page_url(port: int, review_file: Path | None = None) -> str:
    """The URL to open: the list of reviews, or the page of ``review_file``."""
    path = review_href(review_file.stem) if review_file is not None else "/"
    return f"http://{LOOPBACK}:{port}{path}"


# --- what the page reads and writes ------------------------------------------------------------


def review_files(folder: Path) -> dict[str, Path]:
    """The review files of ``folder`` by page name (the file's stem), in name order."""
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.json")) if not p.name.startswith(".")}


def listing(folder: Path) -> list[Listed]:
    """Each review file with its title and counts, or the one line saying why it is unreadable."""
    listed = []
    for name, path in review_files(folder).items():
        try:
            review = read_review(path)
        except ReviewError as error:
            listed.append(Listed(name, error=str(error)))
            continue
        listed.append(Listed(name, review.article.title or review.slug, counts(review)))
    return listed


def record(path: Path, candidate_id: str, decision: str, corrected: dict[str, str]) -> Review:
    """Record one candidate's decision (and, with ``correct``, its corrected fields) in the
    review file, written atomically; an unknown id is a :class:`ReviewError`."""
    review = decide(read_review(path), [candidate_id], decision)
    items = tuple(
        replace(item, corrected=corrected)
        if item.candidate.id == candidate_id and decision == "correct"
        else item
        for item in review.items
    )
    review = replace(review, items=items)
    save_review(review, path)
    return review


def corrections(review: Review, candidate_id: str, submitted: dict[str, str]) -> dict[str, str]:
    """The submitted fields that differ from the proposed ones (``state:USA`` and its full IRI
    are the same); none is a :class:`ReviewError`."""
    item = review.item(candidate_id)
    if item is None:
        raise ReviewError(f"no candidate {candidate_id} in the review of {review.slug}")
    proposed = item.candidate.fields
    changed = {
        field: value
        for field, value in submitted.items()
        if value != proposed.get(field, "") and expand(value) != expand(proposed.get(field, ""))
    }
    if not changed:
        raise ReviewError(
            f"candidate {candidate_id}: no field differs from the proposed ones; use Accept"
        )
    return changed


LABEL = (
    "SELECT ?s ?l WHERE { ?s ?p ?o OPTIONAL { ?s rdfs:label ?l } } "
    'ORDER BY DESC(langMatches(lang(?l), "en")) ?l LIMIT 1'
)


def label_of(store: Store, iri: str) -> str | None:
    """The resource's rdfs:label (English first), the last part of its IRI when it has none;
    None when the graph holds nothing about it."""
    if not iri.startswith(("http://", "https://")) or any(c in iri for c in '<>" {}|\\^`'):
        return None
    rows = store.query(LABEL, {"s": ox.NamedNode(iri)}).rows
    if not rows:
        return None
    label = rows[0][1]
    return str(getattr(label, "value", "")) or iri.rsplit("/", 1)[-1]


# --- the app -----------------------------------------------------------------------------------


class ReviewPage:
    """The handlers, sharing the project, the folder of review files, the store that gives the
    labels, the token of this process's forms and a lock that makes each write one at a time."""

    def __init__(self, project: Project, store: Store, folder: Path) -> None:
        self.project, self.store, self.folder = project, store, folder
        self.token = secrets.token_urlsafe(32)
        self.lock = threading.Lock()

    # GET

    async def index(self, request: Request) -> Response:
        listed = await run_in_threadpool(listing, self.folder)
        return _html(index_html(listed, self._shown(self.folder)))

    async def review(self, request: Request) -> Response:
        try:
            path = self._path(request)
            return await run_in_threadpool(self._page, path, None, 200)
        except Refused as refused:
            return _error(refused)

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return _error(Refused(404, f"no such file: /static/{name}"))
        body = files("govkg.ingest").joinpath("static", name).read_bytes()
        return Response(body, media_type=STATIC[name], headers=HEADERS)

    # POST

    async def decide(self, request: Request) -> Response:
        try:
            path, form = await self._post(request)
            decision = form.get("decision", "")
            if decision not in ("", "accept", "reject"):
                raise Refused(400, f"decision {decision!r}: Accept, Reject or Undecide")
            candidate = form.get("id", "")
            await run_in_threadpool(self._record, path, candidate, decision, {})
            return _back(request, candidate)
        except Refused as refused:
            return _error(refused)

    async def correct(self, request: Request) -> Response:
        try:
            path, form = await self._post(request)
            candidate = form.get("id", "")
            submitted = {k[len(FIELD) :]: v.strip() for k, v in form.items() if k.startswith(FIELD)}
            await run_in_threadpool(self._correct, path, candidate, submitted)
            return _back(request, candidate)
        except Refused as refused:
            return _error(refused)

    async def write(self, request: Request) -> Response:
        """Run :func:`accept` on the decisions of the file: the page with what was written, or
        with the one line saying why nothing was (400; 409 when the graph would not
        validate)."""
        try:
            path, _form = await self._post(request)
            return await run_in_threadpool(self._write, path)
        except Refused as refused:
            return _error(refused)

    # the work, in a thread

    def _page(self, path: Path, message: Message | None, status: int) -> Response:
        try:
            review = read_review(path)
        except ReviewError as error:
            raise Refused(400, str(error)) from None
        cache: dict[str, str | None] = {}

        def labels(iri: str) -> str | None:
            if iri not in cache:
                cache[iri] = label_of(self.store, iri)
            return cache[iri]

        return _html(review_html(path.stem, review, labels, self.token, message), status)

    def _record(self, path: Path, candidate: str, decision: str, fields: dict[str, str]) -> None:
        with self.lock:
            try:
                record(path, candidate, decision, fields)
            except ReviewError as error:
                raise Refused(400, str(error)) from None

    def _correct(self, path: Path, candidate: str, submitted: dict[str, str]) -> None:
        with self.lock:
            try:
                changed = corrections(read_review(path), candidate, submitted)
                record(path, candidate, "correct", changed)
            except ReviewError as error:
                raise Refused(400, str(error)) from None

    def _write(self, path: Path) -> Response:
        with self.lock:
            try:
                done = accept(self.project, path, None)
            except ReviewError as error:
                status = 409 if isinstance(error, AcceptRefused) else 400
                return self._page(path, Message("error", (str(error),)), status)
        return self._page(path, self._written(done), 200)

    def _written(self, done: Accepted) -> Message:
        """What ``govkg accept`` prints: the file, each fact (new or one more source), the
        review file, and the differences from the graph (folded)."""
        facts = [f"{f} ({'one more source' if f in done.existing else 'new'})" for f in done.facts]
        head = (
            f"wrote {self.project.relative(done.path)} ({len(done.facts)} fact(s), "
            f"{len(done.existing)} already in the graph; source {done.source})"
        )
        lines = (head, *facts, f"recorded the decisions in {self._shown(done.review)}")
        summary = f"{len(done.differences)} difference(s) from the graph"
        return Message("ok", lines, done.differences, summary)

    # requests

    def _path(self, request: Request) -> Path:
        name = request.path_params["name"]
        path = review_files(self.folder).get(name)
        if path is None:
            raise Refused(404, f"no review file {name}.json in {self._shown(self.folder)}")
        return path

    async def _post(self, request: Request) -> tuple[Path, dict[str, str]]:
        """The review file and the form of a POST from this page; else :class:`Refused`."""
        if not same_origin(request):
            raise Refused(403, _FOREIGN)
        length = request.headers.get("content-length", "0")
        if not length.isdigit() or int(length) > MAX_FORM:
            raise Refused(413, f"the form is over {MAX_FORM} bytes")
        body = (await request.body())[:MAX_FORM].decode("utf-8", "replace")
        form = {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}
        if not hmac.compare_digest(form.get("token", ""), self.token):
            raise Refused(403, _FOREIGN)
        return self._path(request), form

    def _shown(self, path: Path) -> str:
        try:
            return self.project.relative(path)
        except ValueError:
            return str(path)


_FOREIGN = (
    "refused: a POST must come from this review page (its own origin, with the form's token); "
    "nothing was written"
)


def same_origin(request: Request) -> bool:
    """The request's Origin (or, without one, its Referer) is the page's own origin."""
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    origin = request.headers.get("origin")
    if origin is not None:
        return origin == own
    referer = request.headers.get("referer", "")
    return referer == own or referer.startswith(own + "/")


def _html(text: str, status: int = 200) -> Response:
    return HTMLResponse(text, status, headers=HEADERS)


def _error(refused: Refused) -> Response:
    return _html(error_html(refused.status, refused.message), refused.status)


def _back(request: Request, candidate: str) -> Response:
    """303 See Other to the review's page, at the candidate."""
    name = request.path_params["name"]
    target = f"{review_href(name)}#{quote(candidate_anchor(candidate), safe='')}"
    return RedirectResponse(target, 303, headers=HEADERS)


def create_review_app(project: Project, store: Store, folder: Path | None = None) -> Starlette:
    """The review page over the review files of ``folder`` (default: the project's
    ``review/``); ``store`` gives the labels of the resources the candidates name."""
    page = ReviewPage(project, store, folder if folder is not None else project.root / REVIEW_DIR)
    routes = [
        Route("/", page.index, methods=["GET"]),
        Route("/review/{name}", page.review, methods=["GET"]),
        Route("/review/{name}/decide", page.decide, methods=["POST"]),
        Route("/review/{name}/correct", page.correct, methods=["POST"]),
        Route("/review/{name}/write", page.write, methods=["POST"]),
        Route("/static/{name}", page.static, methods=["GET"]),
    ]
    hosts = Middleware(TrustedHostMiddleware, allowed_hosts=list(LOCAL_HOSTS))
    return Starlette(routes=routes, middleware=[hosts])
