"""The request heads the endpoint alone reads, and those it refuses with the status to answer."""

from __future__ import annotations

import io

import pytest

from govkg.server.endpoint_http import MAX_HEADERS, MAX_LINE, HttpError, read_head


def test_a_request_head_is_read_with_its_headers_in_lower_case() -> None:
    head = read_head(
        io.BytesIO(
            b"\r\nGET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nACCEPT:  text/csv \r\n"
            b"Accept: application/json\r\n\r\nrest"
        )
    )
    assert head is not None
    assert (head.method, head.target, head.version) == (
        "GET",
        "/sparql?query=ASK%7B%7D",
        "HTTP/1.1",
    )
    assert head.headers == {"host": "x", "accept": "text/csv, application/json"}
    assert head.keep_alive


@pytest.mark.parametrize(
    ("version", "connection", "kept"),
    [
        ("HTTP/1.1", None, True),
        ("HTTP/1.1", "close", False),
        ("HTTP/1.1", "Keep-Alive, Close", False),
        ("HTTP/1.0", None, False),
        ("HTTP/1.0", "Keep-Alive", True),
        ("HTTP/1.2", None, True),
    ],
)
def test_the_connection_is_kept_as_the_client_asks(
    version: str, connection: str | None, kept: bool
) -> None:
    header = f"Connection: {connection}\r\n" if connection else ""
    head = read_head(io.BytesIO(f"GET / {version}\r\n{header}\r\n".encode()))
    assert head is not None and head.keep_alive is kept


def test_a_closed_connection_is_no_request() -> None:
    assert read_head(io.BytesIO(b"")) is None
    assert read_head(io.BytesIO(b"\r\n")) is None


@pytest.mark.parametrize(
    ("raw", "status", "said"),
    [
        (b"GET /" + b"x" * MAX_LINE + b" HTTP/1.1\r\n\r\n", 414, "request line over"),
        (b"GET / HTTP/1.1\r\nX: " + b"y" * MAX_LINE + b"\r\n\r\n", 431, "header line over"),
        (b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * (MAX_HEADERS + 1) + b"\r\n", 431, "more than"),
        (b"GET /\r\n\r\n", 400, "bad request line"),
        (b"GET  / HTTP/1.1\r\n\r\n", 400, "bad request line"),
        (b"G\xc9T / HTTP/1.1\r\n\r\n", 400, "bad request line"),
        (b"GET / HTTP/2.0\r\n\r\n", 505, "not supported"),
        (b"GET / HTTP/x\r\n\r\n", 400, "bad HTTP version"),
        (b"GET / FTP/1.1\r\n\r\n", 400, "bad request line"),
        (b"GET / HTTP/1.1\r\nHost x\r\n\r\n", 400, "bad header line"),
        (b"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400, "bad header line"),
        (b"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400, "bad header line"),
        (
            b"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
            400,
            "two different Content-Length",
        ),
        # the body's end told two ways (a proxy in front may read the other): refused
        (
            b"POST / HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n",
            400,
            "both Transfer-Encoding and Content-Length",
        ),
        # digits Python's isdigit() takes and int() does not
        (b"POST / HTTP/1.1\r\nContent-Length: \xb2\r\n\r\n", 400, "bad Content-Length"),
        (b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400, "bad Content-Length"),
    ],
)
def test_what_is_refused_and_how(raw: bytes, status: int, said: str) -> None:
    with pytest.raises(HttpError) as refused:
        read_head(io.BytesIO(raw))
    assert refused.value.status == status
    assert said in refused.value.message
    assert "\n" not in refused.value.message


def test_a_repeated_content_length_of_the_same_value_is_one() -> None:
    head = read_head(
        io.BytesIO(b"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n")
    )
    assert head is not None and head.headers["content-length"] == "3"
