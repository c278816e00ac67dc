"""The body deadline of ``service.http.wsgi``: one watcher thread fires every pending deadline.

The end-to-end behaviour (a trickling client gets 408) is in tests/test_server_hardening.py;
here the watcher itself: a deadline shuts the socket's reading side, a cancelled one never
does, an earlier deadline added later still fires first, many requests share one thread, and
cancelled deadlines do not pile up.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from service.http import wsgi

WAIT_S = 10.0  # generous: only a bound for a broken watcher, not a timing assertion


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    a, b = socket.socketpair()
    a.settimeout(WAIT_S)
    yield a, b
    a.close()
    b.close()


def test_a_deadline_wakes_a_blocked_read(pair: tuple[socket.socket, socket.socket]) -> None:
    server_side, _client = pair
    deadline = wsgi.ReadDeadline(server_side, 0.2)
    assert server_side.recv(10) == b""  # blocked until the deadline shut the reading side
    assert deadline.fired and deadline.done


def test_a_cancelled_deadline_never_fires(pair: tuple[socket.socket, socket.socket]) -> None:
    server_side, client = pair
    deadline = wsgi.ReadDeadline(server_side, 0.1)
    deadline.cancel()
    witness_a, witness_b = socket.socketpair()  # fires later: proof that the watcher ran
    try:
        witness_a.settimeout(WAIT_S)
        later = wsgi.ReadDeadline(witness_a, 0.4)
        assert witness_a.recv(1) == b""
        assert later.fired
        client.sendall(b"x")
        assert server_side.recv(1) == b"x"
        assert not deadline.fired
    finally:
        witness_a.close()
        witness_b.close()


def test_an_earlier_deadline_added_later_fires_first(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    server_side, _client = pair
    other_a, other_b = socket.socketpair()
    late = wsgi.ReadDeadline(other_a, 60.0)
    try:
        early = wsgi.ReadDeadline(server_side, 0.2)
        assert server_side.recv(10) == b""
        assert early.fired and not late.fired
    finally:
        late.cancel()
        other_a.close()
        other_b.close()


def test_many_requests_share_one_thread_and_leave_nothing_pending(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    server_side, _client = pair
    before = threading.active_count()
    deadlines = [wsgi.ReadDeadline(server_side, 60.0) for _ in range(200)]
    assert threading.active_count() <= max(before, 1) + 1
    names = [t.name for t in threading.enumerate() if t.name == "sourceguard-body-deadlines"]
    assert len(names) == 1
    for d in deadlines:
        d.cancel()
    assert wsgi._WATCHER.pending() == 0
    assert not any(d.fired for d in deadlines)


def test_cancelled_deadlines_do_not_pile_up(pair: tuple[socket.socket, socket.socket]) -> None:
    server_side, _client = pair
    for _ in range(5 * wsgi._DeadlineWatcher.COMPACT_AT):
        wsgi.ReadDeadline(server_side, 60.0).cancel()
    assert len(wsgi._WATCHER._heap) <= 2 * wsgi._DeadlineWatcher.COMPACT_AT + 2
