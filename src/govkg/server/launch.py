"""What ``govkg serve`` runs: uvicorn over the app, or one request through it without a socket."""

from __future__ import annotations

import asyncio

import httpx
import uvicorn
from starlette.applications import Starlette


def run_server(app: Starlette, host: str, port: int, access_log: bool = False) -> None:
    """Serve until interrupted; every request logged on stderr with ``access_log``.  Proxy
    headers (X-Forwarded-For) are not read: nothing in an answer depends on the client's
    address."""
    uvicorn.run(
        app, host=host, port=port, log_level="info", access_log=access_log, proxy_headers=False
    )


def get_once(app: Starlette, path: str, accept: str = "*/*") -> tuple[int, str, str]:
    """One GET through the app (no socket): the status, the status line and headers, the body."""
    return asyncio.run(_get(app, path, accept))


async def _get(app: Starlette, path: str, accept: str) -> tuple[int, str, str]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://govkg.local") as client:
        response = await client.get(path, headers={"Accept": accept}, follow_redirects=False)
    head = [f"HTTP/1.1 {response.status_code} {response.reason_phrase}"]
    head += [f"{name}: {value}" for name, value in response.headers.items()]
    return response.status_code, "\n".join(head), response.text
