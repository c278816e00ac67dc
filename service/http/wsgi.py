"""The request body is read here, in full and within limits, before Flask sees the request.

Why in the WSGI layer: a chunked body has no Content-Length, so Flask's own limit could only cut
it (the app then saw a truncated body and answered 400/422 instead of 413); and a client that
sends a body slowly must not hold a worker thread forever. ``BodyReader`` reads at most
``max_bytes`` (one byte more means 413), gives the client ``timeout_s`` for the whole body (408
after), and hands Flask a complete in-memory body with its true Content-Length. The verdict is
left in the environ (``PROBLEM_KEY``) so the app answers it as problem+json with its request id.

Under gunicorn the deadline is enforced by shutting down the reading side of the client socket
when it passes (``ReadDeadline``), which wakes a blocked read at once; a socket read timeout
alone would let a client that trickles one byte at a time keep the thread.
"""

from __future__ import annotations

import contextlib
import io
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any

READ_CHUNK = 64 * 1024


class ReadDeadline:
    """Shut down reading on ``sock`` after ``seconds`` unless cancelled first."""

    def __init__(self, sock: socket.socket | None, seconds: float) -> None:
        self.sock = sock
        self.fired = False
        self._timer = threading.Timer(seconds, self._fire) if sock is not None else None
        if self._timer is not None:
            self._timer.daemon = True
            self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RD)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


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
