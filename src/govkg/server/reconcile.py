"""The W3C Entity Reconciliation Service at ``/reconcile``: HTTP in, :mod:`govkg.reconcile`'s
answers out.

Version 0.2 (what OpenRefine speaks): ``GET /reconcile`` (the manifest), ``queries`` and
``extend`` as GET or form-encoded POST parameters on ``/reconcile``, ``/reconcile/suggest/*``,
``/reconcile/preview``, ``/reconcile/propose_properties``.  Version 1.0-draft: ``POST
/reconcile/match`` and ``POST /reconcile/extend`` with JSON bodies, ``/reconcile/extend/propose``.
Bodies stop at the server's ``max_body``; each answer at its ``timeout_s`` (503).  Errors are one
line of JSON, ``{"error": "…"}``.  JSONP (``callback``, GET only) is answered when the name is a
plain JavaScript identifier path, else refused.  The name index is built on first use.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from govkg.reconcile import batch, extend, manifest, suggest
from govkg.reconcile.batch import BatchError
from govkg.reconcile.match import reconcile
from govkg.reconcile.names import NameIndex, build_index
from govkg.reconcile.preview import preview_html
from govkg.reconcile.results import batch_02, batch_10
from govkg.reconcile.vocabulary import kind_of
from govkg.server.context import Context
from govkg.server.http import ProtocolError, html_response, mount, site_root
from govkg.server.settings import ServerSettings
from govkg.server.sparql import FORM, read_body
from govkg.site import pages
from govkg.store import Store

PATH = "/reconcile"
#: A JSONP callback: a JavaScript identifier, or a few joined by dots (``jQuery123_456``).
CALLBACK = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]{0,63}(?:\.[A-Za-z_$][A-Za-z0-9_$]{0,63}){0,3}")
#: A Host header the manifest may name: a host name or IP address and an optional port.
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,253})|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?")
_MAX_SUGGEST = 100
#: What a request may be refused with: a malformed batch, or the HTTP layer's refusals.
_REFUSED = (BatchError, ProtocolError)
T = TypeVar("T")


def error(status: int, message: str) -> Response:
    """An error as one line of JSON."""
    return JSONResponse({"error": message}, status)


def _refusal(problem: BatchError | ProtocolError) -> Response:
    return error(problem.status, str(problem))


class Reconciliation:
    """The handlers, sharing the store, the settings and the name index (built once)."""

    def __init__(self, store: Store, settings: ServerSettings) -> None:
        self.store = store
        self.settings = settings
        self._index: NameIndex | None = None
        self._lock = threading.Lock()

    def index(self) -> NameIndex:
        """The name index, built from the store on first use."""
        with self._lock:
            if self._index is None:
                self._index = build_index(self.store, self.settings.public_base)
            return self._index

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """``work`` in a thread, given up (503) after the server's time limit."""
        try:
            return await asyncio.wait_for(run_in_threadpool(work, *args), self.settings.timeout_s)
        except TimeoutError:
            raise ProtocolError(503, f"no answer within {self.settings.timeout_s:g} s") from None

    async def service(self, request: Request) -> Response:
        """``/reconcile``: the manifest, a 0.2 ``queries`` batch or a 0.2 ``extend`` query."""
        try:
            params = await self.params(request)
            callback = _callback(request, params)
            if "queries" in params and "extend" in params:
                raise ProtocolError(400, "give 'queries' or 'extend', not both")
            if "queries" in params:
                answer = await self.run(self.match_02, _one(params, "queries"))
            elif "extend" in params:
                answer = await self.run(self.extend_02, _one(params, "extend"))
            else:
                answer = self.manifest(request, _one(params, "version"))
        except _REFUSED as problem:
            return _refusal(problem)
        return respond(answer, callback)

    async def params(self, request: Request) -> dict[str, list[str]]:
        """The query string's parameters, and a form-encoded POST body's."""
        params = {key: request.query_params.getlist(key) for key in request.query_params}
        if request.method != "POST":
            return params
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != FORM:
            raise ProtocolError(415, f"send {FORM}, not {media or '(no content type)'!r}")
        body = await read_body(request, self.settings.max_body)
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=100)
        except (UnicodeDecodeError, ValueError):
            raise ProtocolError(400, "the form is not UTF-8 or has over 100 fields") from None
        return {key: params.get(key, []) + form.get(key, []) for key in {*params, *form}}

    def manifest(self, request: Request, version: str | None) -> dict[str, Any]:
        site = _site(request)
        if version in (None, "0.2"):
            return manifest.manifest_02(site, site + PATH, self.settings)
        if version == "1.0-draft":
            return manifest.manifest_10(site, self.settings.id_prefix)
        raise ProtocolError(400, f"version must be 0.2 or 1.0-draft, not {version[:50]!r}")

    def match_02(self, text: str) -> dict[str, Any]:
        queries = batch.read_02(batch.load_json(text, "queries"))
        index = self.index()
        return batch_02({key: reconcile(index, q) for key, q in queries.items()})

    def extend_02(self, text: str) -> dict[str, Any]:
        ids, pids = extend.read_query(batch.load_json(text, "extend"))
        return extend.extension_02(extend.extend(self.index(), self.store, ids, pids))

    async def json_body(self, request: Request) -> Any:
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/json":
            raise ProtocolError(415, f"send application/json, not {media or '(no content type)'!r}")
        body = await read_body(request, self.settings.max_body)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as problem:
            raise ProtocolError(
                400, f"the body is not valid UTF-8 (byte {problem.start})"
            ) from None
        return batch.load_json(text, "body")

    async def match_10(self, request: Request) -> Response:
        """``POST /reconcile/match``: a 1.0-draft batch."""
        try:
            queries = batch.read_10(await self.json_body(request))
            index = await self.run(self.index)
            answer = await self.run(lambda: batch_10([reconcile(index, q) for q in queries]))
        except _REFUSED as problem:
            return _refusal(problem)
        return JSONResponse(answer)

    async def extend_10(self, request: Request) -> Response:
        """``POST /reconcile/extend``: a 1.0-draft data extension query."""
        try:
            ids, pids = extend.read_query(await self.json_body(request))
            index = await self.run(self.index)
            found = await self.run(extend.extend, index, self.store, ids, pids)
        except _REFUSED as problem:
            return _refusal(problem)
        return JSONResponse(extend.extension_10(found))

    async def propose(self, request: Request) -> Response:
        """``/reconcile/propose_properties`` (0.2) and ``/reconcile/extend/propose`` (1.0)."""
        try:
            params = await self.params(request)
            callback = _callback(request, params)
            type_id = _one(params, "type")
            if not type_id:
                raise ProtocolError(400, "type: a type id is required")
            limit = _number(params, "limit", 0, _MAX_SUGGEST) or None
            answer = extend.propose(await self.run(self.index), type_id, limit)
        except _REFUSED as problem:
            return _refusal(problem)
        return respond(answer, callback)

    async def suggest(self, request: Request) -> Response:
        """``/reconcile/suggest/{entity,type,property}?prefix=…``."""
        try:
            params = await self.params(request)
            callback = _callback(request, params)
            answer = await self.run(self.suggested, request.path_params["kind"], params)
        except _REFUSED as problem:
            return _refusal(problem)
        return respond(answer, callback)

    def suggested(self, kind: str, params: dict[str, list[str]]) -> dict[str, Any]:
        prefix = _one(params, "prefix") or ""
        offset = _number(params, "offset", 0, 10_000) or _number(params, "cursor", 0, 10_000)
        limit = _number(params, "limit", 10, _MAX_SUGGEST)
        if kind == "type":
            return suggest.suggest_types(prefix, offset, limit)
        if kind == "property":
            return suggest.suggest_properties(self.index(), prefix, offset, limit)
        if kind != "entity":
            raise ProtocolError(404, f"no suggest service for {kind[:50]!r}")
        wanted = [kind_of(t) for t in params.get("type", []) if t]
        kinds = tuple(k for k in wanted if k is not None)
        if len(kinds) < len(wanted):
            raise ProtocolError(400, "type: unknown type")
        return suggest.suggest_entities(self.index(), prefix, kinds, offset, limit)

    async def preview(self, request: Request) -> Response:
        """``/reconcile/preview?id=…``: the entity's card, as HTML under the site's CSP."""
        ids = request.query_params.getlist("id")
        if len(ids) != 1 or not ids[0]:
            return _html_error(request, 400, "give one entity id: /reconcile/preview?id=state/USA")
        entity = (await self.run(self.index)).entity(ids[0])
        if entity is None:
            return _html_error(request, 404, f"no entity {ids[0][:200]!r}")
        return html_response(preview_html(entity, self.settings.id_prefix))


def respond(answer: Any, callback: str | None) -> Response:
    """JSON, or JSONP when the client named a callback (already checked)."""
    if callback is None:
        return JSONResponse(answer)
    body = f"/**/{callback}({json.dumps(answer, ensure_ascii=False)});"
    headers = {"X-Content-Type-Options": "nosniff"}
    return Response(body, media_type="application/javascript; charset=utf-8", headers=headers)


def _html_error(request: Request, status: int, message: str) -> Response:
    return html_response(pages.error_page(status, message, site_root(request)), status)


def _callback(request: Request, params: dict[str, list[str]]) -> str | None:
    """The JSONP callback named, if any: GET only, a plain identifier path only."""
    name = _one(params, "callback")
    if name is None:
        return None
    if request.method == "POST":
        raise ProtocolError(400, "callback: JSONP is for GET requests only")
    if not CALLBACK.fullmatch(name):
        raise ProtocolError(
            400, "callback: must be a JavaScript identifier (letters, digits, _ $ .)"
        )
    return name


def _one(params: dict[str, list[str]], name: str) -> str | None:
    found = params.get(name, [])
    if len(found) > 1:
        raise ProtocolError(400, f"more than one {name!r} parameter")
    return found[0] if found else None


def _number(params: dict[str, list[str]], name: str, default: int, most: int) -> int:
    text = _one(params, name)
    if text is None or text == "":
        return default
    if not text.isdigit() or int(text) > most:
        raise ProtocolError(400, f"{name}: must be a whole number from 0 to {most}")
    return int(text)


def _site(request: Request) -> str:
    """The absolute URL of the site's root as the client asked for it (the Host header, checked
    to be a host and port), for the manifest's service URLs; only the mount path otherwise."""
    host = request.headers.get("host", "")
    if not _HOST.fullmatch(host):
        return mount(request)
    return f"{request.url.scheme}://{host}{mount(request)}"


def routes(context: Context) -> list[BaseRoute]:
    """The reconciliation service's routes, over the context's store and settings."""
    handlers = Reconciliation(context.store, context.settings)
    return [
        Route(PATH, handlers.service, methods=["GET", "HEAD", "POST"]),
        Route(PATH + "/match", handlers.match_10, methods=["POST"]),
        Route(PATH + "/extend", handlers.extend_10, methods=["POST"]),
        Route(PATH + "/extend/propose", handlers.propose, methods=["GET", "HEAD"]),
        Route(PATH + "/propose_properties", handlers.propose, methods=["GET", "HEAD"]),
        Route(PATH + "/suggest/{kind}", handlers.suggest, methods=["GET", "HEAD"]),
        Route(PATH + "/preview", handlers.preview, methods=["GET", "HEAD"]),
    ]
