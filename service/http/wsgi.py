"""The request body is read here, in full and within limits, before Flask sees the request.

Why in the WSGI layer: a chunked body has no Content-Length, so Flask's own limit could only cut
it (the app then saw a truncated body and answered 400/422 instead of 413); and a client that
sends a body slowly must not hold a worker thread forever. ``BodyReader`` reads at most
``max_bytes`` (one byte more means 413), gives the client ``timeout_s`` for the whole body (408
after), and hands Flask a complete in-memory body with its true Content-Length. The verdict is
left in the environ (``PROBLEM_KEY``) so the app answers it as problem+json with its request id.

Under gunicorn the deadline is enforced by shutting down the reading side of the client socket
when it passes (``ReadDeadline``), which wakes a blocked read at once; a socket read timeout
alone would let a client that trickles one byte at a time keep the thread. One watcher thread
per process fires every pending deadline (``_DeadlineWatcher``): a ``threading.Timer`` per
request cost each request ~3 ms of thread start-up and GIL hand-offs, twice the rest of the
time the service adds around the engine (``bench/http_overhead.py``).
"""

from __future__ import annotations

import contextlib
import heapq
import io
import itertools
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

READ_CHUNK = 64 * 1024


class ReadDeadline:
    """Shut down reading on ``sock`` after ``seconds`` unless cancelled first."""

    def __init__(self, sock: socket.socket | None, seconds: float) -> None:
        self.sock = sock
        self.fired = False
        self.done = sock is None  # fired or cancelled; set only under the watcher's lock
        if sock is not None:
            _WATCHER.add(self, time.monotonic() + seconds)

    def _fire(self) -> None:
        """Called by the watcher, under its lock (so never after ``cancel`` returned)."""
        self.fired = True
        self.done = True
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RD)

    def cancel(self) -> None:
        if not self.done:
            _WATCHER.cancel(self)


class _DeadlineWatcher:
    """One daemon thread that fires each pending ``ReadDeadline`` when its time comes.

    Deadlines sit in a heap ordered by time; a cancelled one stays there, marked done, until it
    reaches the top (or until cancelled ones are the majority: then the heap is rebuilt), so a
    cancel is O(1). Every request gets the same body timeout, so a new deadline is almost
    always the latest and adding it needs no wake-up of the thread. The thread is started on
    first use in each process (gunicorn forks its workers, and threads do not survive a fork).
    """

    COMPACT_AT = 1024

    def __init__(self) -> None:
        self._reset()
        # A forked child has none of the parent's threads: it starts with a fresh watcher.
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, ReadDeadline]] = []
        self._order = itertools.count()
        self._cancelled = 0
        self._thread: threading.Thread | None = None

    def add(self, deadline: ReadDeadline, when: float) -> None:
        with self._cond:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="sourceguard-body-deadlines", daemon=True
                )
                self._thread.start()
            heapq.heappush(self._heap, (when, next(self._order), deadline))
            if self._heap[0][2] is deadline:
                self._cond.notify()

    def cancel(self, deadline: ReadDeadline) -> None:
        with self._cond:
            if deadline.done:
                return
            deadline.done = True
            self._cancelled += 1
            if self._cancelled > self.COMPACT_AT and 2 * self._cancelled > len(self._heap):
                self._heap = [entry for entry in self._heap if not entry[2].done]
                heapq.heapify(self._heap)
                self._cancelled = 0

    def pending(self) -> int:
        """Deadlines neither fired nor cancelled (for tests)."""
        with self._cond:
            return sum(1 for entry in self._heap if not entry[2].done)

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                while self._heap and (self._heap[0][2].done or self._heap[0][0] <= now):
                    _, _, deadline = heapq.heappop(self._heap)
                    if deadline.done:
                        self._cancelled = max(0, self._cancelled - 1)
                    else:
                        deadline._fire()
                self._cond.wait(self._heap[0][0] - now if self._heap else None)


_WATCHER = _DeadlineWatcher()


class BodyReader:
    """WSGI middleware: read the whole body within ``max_bytes`` and ``timeout_s``."""

    PROBLEM_KEY = "sourceguard.body_problem"

    def __init__(self, app: Callable[..., Iterable[bytes]], max_bytes: int, timeout_s: float):
        self.app = app
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        problem = self.read(environ)
        if problem is not None:
            environ[self.PROBLEM_KEY] = problem
            environ["wsgi.input"] = io.BytesIO(b"")
            environ["CONTENT_LENGTH"] = "0"
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            environ.pop("wsgi.input_terminated", None)
        return self.app(environ, start_response)

    def read(self, environ: dict[str, Any]) -> int | None:
        """Replace ``wsgi.input`` by the complete body; the HTTP status if that is impossible."""
        raw_length = (environ.get("CONTENT_LENGTH") or "").strip()
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if raw_length and not chunked:
            if not raw_length.isdigit() or len(raw_length) > 18:
                return 400
            length = int(raw_length)
            if length > self.max_bytes:
                return 413
            if length == 0:
                return None
        elif chunked or environ.get("wsgi.input_terminated"):
            length = None
        else:
            return None
        deadline = ReadDeadline(environ.get("gunicorn.socket"), self.timeout_s)
        try:
            body = self._read_body(environ["wsgi.input"], length)
        except Exception as exc:  # a socket timeout, gunicorn's NoMoreData, InvalidChunkSize...
            return 408 if deadline.fired or isinstance(exc, TimeoutError) else 400
        finally:
            deadline.cancel()
        if deadline.fired:
            return 408
        if body is None:
            return 413
        if length is not None and len(body) != length:
            return 400
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ.pop("wsgi.input_terminated", None)
        return None

    def _read_body(self, stream: Any, length: int | None) -> bytes | None:
        """The body (None if longer than ``max_bytes``); stops early at end of stream."""
        limit = self.max_bytes + 1 if length is None else length
        parts: list[bytes] = []
        size = 0
        while size < limit:
            chunk = stream.read(min(READ_CHUNK, limit - size))
            if not chunk:
                break
            parts.append(chunk)
            size += len(chunk)
        if size > self.max_bytes:
            return None
        return b"".join(parts)
