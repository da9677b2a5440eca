"""A kept connection whose next request has arrived in the kernel (not yet read by the query
process) is handed off when its process is held up, with that request whole: another process
reads it.  One whose next request the process has read into its own buffer (pipelined behind
the last) stays, since no other process could read those bytes.

Before, looking whether a request had begun to arrive read it into the process's buffer, so a
client that sent its next request while its answer was being written stayed with a process
held by a runaway query, and lost its request when that process was stopped at the time limit
(a ``ReadError`` in ``tests/test_concurrency.py``, once in a few runs)."""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Iterator

import pytest

from govkg.server.endpoint import Slots
from govkg.server.endpoint_connections import Client, Keeper

REQUEST = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n"


@pytest.fixture
def keeper() -> Iterator[tuple[Keeper, socket.socket]]:
    """A keeper in slot 0 of two, and the receiving end of its hand-off socket."""
    with tempfile.NamedTemporaryFile() as state:
        Slots.create(state, 2)
        state.flush()
        send, receive = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        other = socket.socket(fileno=os.dup(receive.fileno()))
        yield Keeper((send.detach(), receive.detach()), Slots(state.name, 2), 0, 2), other
        other.close()


def _connection() -> tuple[Client, socket.socket]:
    """A kept client (the process's end) and the far end its requests are written to."""
    mine, theirs = socket.socketpair()
    return Client(mine), theirs


def test_a_request_waiting_in_the_kernel_is_pending_and_left_there() -> None:
    client, far = _connection()
    assert not client.pending()
    far.sendall(REQUEST)
    assert client.pending() and not client.buffered()
    other = socket.socket(fileno=os.dup(client.fileno()))  # as another process would read it
    other.settimeout(5)
    assert other.recv(4096) == REQUEST
    other.close()
    client.close()
    far.close()


def test_a_pipelined_request_read_with_the_last_is_buffered() -> None:
    client, far = _connection()
    far.sendall(REQUEST + REQUEST)
    assert client.rfile.readline() == REQUEST.split(b"\r\n")[0] + b"\r\n"  # the first's line
    assert client.buffered() and client.pending()
    client.close()
    far.close()


def test_a_held_process_hands_off_what_waits_in_the_kernel_and_keeps_what_it_read(
    keeper: tuple[Keeper, socket.socket],
) -> None:
    kept, receiving = keeper
    waiting, waiting_far = _connection()
    piped, piped_far = _connection()
    idle, idle_far = _connection()
    waiting_far.sendall(REQUEST)
    piped_far.sendall(REQUEST + REQUEST)
    piped.rfile.readline()
    for client in (waiting, piped, idle):
        client.asking = client.pending()
        kept._idle.append(client)
    kept.hand_off_all()
    assert kept.idle() == [piped]  # its next request is in this process's buffer
    received = []
    receiving.setblocking(False)
    for _ in range(2):
        _, fds, _, _ = socket.recv_fds(receiving, 1, 1)
        received.append(socket.socket(fileno=fds[0]))
    received[0].settimeout(5)
    assert received[0].recv(4096) == REQUEST  # the waiting request, whole, for another process
    received[1].setblocking(False)
    with pytest.raises(BlockingIOError):  # the idle one: nothing sent yet
        received[1].recv(4096)
    for end in (*received, waiting_far, piped_far, idle_far):
        end.close()
    piped.close()
