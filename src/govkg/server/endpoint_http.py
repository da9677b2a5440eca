"""The head of an HTTP/1.x request (its line and headers) as the endpoint alone reads it.

The standard library's ``BaseHTTPRequestHandler`` reads headers with the e-mail parser, a fifth
of the time govkg spends on a lookup outside Oxigraph; this reads the same requests strictly
(RFC 9112) with a few string operations.  What it refuses is an :class:`HttpError` with the
status to answer: a request line over ``MAX_LINE`` bytes (414), a header line over it or more
than ``MAX_HEADERS`` of them (431), a line that is not ``METHOD TARGET HTTP/1.x`` (400; 505 for
another major version), a header line that is not ``name: value`` (400: no folded lines, no
space before the colon), two different ``Content-Length`` values (400).
"""

from __future__ import annotations

import string
from http import HTTPStatus
from typing import BinaryIO, NamedTuple, TypeVar

#: The reason phrase of each status, for status lines and log lines.
REASONS = {status.value: status.phrase for status in HTTPStatus}
#: The longest request line or header line read, in bytes.
MAX_LINE = 65536
#: The most header lines read.
MAX_HEADERS = 100
#: Empty lines read before a request line (RFC 9112 section 2.2: at least one is ignored).
MAX_EMPTY = 4
#: The characters of a method or a header's name (RFC 9110's ``tchar``).
TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789" + string.ascii_letters)


class HttpError(Exception):
    """A request this server will not read: the status to answer and one line saying why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class RequestHead(NamedTuple):
    """A request's method, target, HTTP version, headers (names in lower case, repeated ones
    joined with ", ") and whether the client asks to keep the connection."""

    method: str
    target: str
    version: str
    headers: dict[str, str]
    keep_alive: bool


def read_head(rfile: BinaryIO) -> RequestHead | None:
    """The next request's head, or None if the client closed the connection before one."""
    line = rfile.readline(MAX_LINE + 1)
    for _ in range(MAX_EMPTY):
        if line not in (b"\r\n", b"\n"):
            break
        line = rfile.readline(MAX_LINE + 1)
    if not line:
        return None
    if len(line) > MAX_LINE:
        raise HttpError(414, f"request line over {MAX_LINE} bytes")
    method, target, version = _request_line(line)
    headers = _headers(rfile)
    if "transfer-encoding" in headers and "content-length" in headers:
        raise HttpError(400, "both Transfer-Encoding and Content-Length: the body's end is unclear")
    tokens = {token.strip().lower() for token in headers.get("connection", "").split(",")}
    keep = "keep-alive" in tokens if version == "HTTP/1.0" else "close" not in tokens
    return RequestHead(method, target, version, headers, keep)


def _request_line(line: bytes) -> tuple[str, str, str]:
    parts = line.decode("latin-1").rstrip("\r\n").split(" ")
    if len(parts) != 3 or not all(parts):
        raise HttpError(400, f"bad request line {line[:100]!r}")
    method, target, version = parts
    if not version.startswith("HTTP/") or not TOKEN.issuperset(method):
        raise HttpError(400, f"bad request line {line[:100]!r}")
    number = version[5:]
    if number[:2] != "1." or not number[2:].isdigit():
        if number[:1].isdigit() and number[:1] != "0" and number[1:2] in (".", ""):
            raise HttpError(505, f"HTTP version {number} not supported: HTTP/1.1 or 1.0")
        raise HttpError(400, f"bad HTTP version {version[:20]!r}")
    return method, target, "HTTP/1.0" if number == "1.0" else "HTTP/1.1"


def _headers(rfile: BinaryIO) -> dict[str, str]:
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADERS + 1):
        line = rfile.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise HttpError(431, f"header line over {MAX_LINE} bytes")
        if line in (b"\r\n", b"\n", b""):
            return headers
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon or not name or not TOKEN.issuperset(name):
            raise HttpError(400, f"bad header line {line[:100]!r}")
        key, text = name.lower(), value.strip()
        if key == "content-length" and not (text.isascii() and text.isdigit()):
            raise HttpError(400, f"bad Content-Length {text[:20]!r}")
        if key in headers:
            if key == "content-length" and headers[key] != text:
                raise HttpError(400, "two different Content-Length headers")
            text = text if key == "content-length" else f"{headers[key]}, {text}"
        headers[key] = text
    raise HttpError(431, f"more than {MAX_HEADERS} header lines")


def closing_text(status: int, message: str) -> bytes:
    """A whole response of one line of plain text that closes its connection (the server's own
    refusals, written where no app answers)."""
    body = (message.rstrip("\n") + "\n").encode()
    head = f"HTTP/1.1 {status} {REASONS.get(status, '')}\r\n"
    head += "Content-Type: text/plain; charset=utf-8\r\n"
    head += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    return head.encode("latin-1") + body


_Text = TypeVar("_Text", str, bytes)


def with_vary(
    headers: list[tuple[_Text, _Text]], vary: _Text, value: _Text, comma: _Text
) -> list[tuple[_Text, _Text]]:
    """``headers`` with ``value`` added to ``Vary`` (named ``vary``, as text or as an ASGI
    app's bytes), as Starlette's CORS middleware adds ``Origin``: every Vary header's values
    joined, ``value`` last, in the first one's place (at the end when there was none)."""
    name = vary.lower()
    named = [index for index, (key, _) in enumerate(headers) if key.lower() == name]
    values = [headers[index][1] for index in named]
    values.append(value)
    kept = [header for header in headers if header[0].lower() != name]
    kept.insert(named[0] if named else len(kept), (vary, comma.join(values)))
    return kept
