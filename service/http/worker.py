"""The gunicorn worker of ``sourceguard serve``: threads, read timeouts, problem+json refusals.

Why not gunicorn's sync worker: one client that sends half a body holds a sync worker until it
gives up, so two such clients starved the service (``/healthz`` stopped answering). This worker
is gunicorn's threaded worker (``gthread``) with three changes:

- a connection waits for its first bytes in the worker's poller, not in a thread (gthread
  already does this), and every later read of headers or body on it times out after
  ``SOURCEGUARD_READ_TIMEOUT`` seconds of silence (gthread reads with no timeout at all);
- the whole body must arrive within ``SOURCEGUARD_BODY_TIMEOUT`` (``service.http.wsgi``);
- gunicorn's own refusals (malformed request line, URI over 4094 bytes, too many or too large
  headers) are answered as problem+json like every other error, and never quote the request:
  gunicorn's HTML pages and log lines repeat the request line, which may hold a name.
"""

from __future__ import annotations

import errno
import json
import logging
import uuid
from typing import Any

from gunicorn.http import errors as http_errors
from gunicorn.workers.gthread import TConn, ThreadWorker

from service.core.config import setting
from service.http.problems import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_BASE, TITLES

READ_TIMEOUT_ENV = "SOURCEGUARD_READ_TIMEOUT"
DEFAULT_READ_TIMEOUT_S = 15.0

# gunicorn exception class name → (status, reason, slug, detail); detail never quotes input.
_REFUSALS: dict[str, tuple[int, str, str, str]] = {
    "LimitRequestLine": (414, "URI Too Long", "uri-too-long", "the request line is too long"),
    "LimitRequestHeaders": (
        431,
        "Request Header Fields Too Large",
        "request-header-fields-too-large",
        "the request has too many or too large header fields",
    ),
    "ForbiddenProxyRequest": (403, "Forbidden", "forbidden", "proxy request refused"),
    "ExpectationFailed": (417, "Expectation Failed", "expectation-failed", "unsupported Expect"),
    "UnsupportedTransferCoding": (
        501,
        "Not Implemented",
        "unsupported-transfer-coding",
        "the transfer coding is not supported",
    ),
}
_BAD_REQUEST = (400, "Bad Request", "bad-request", "the request is malformed")
_INTERNAL = (500, "Internal Server Error", "internal-error", "an internal error occurred")


def read_timeout() -> float:
    raw = setting(READ_TIMEOUT_ENV)
    try:
        value = float(raw) if raw else DEFAULT_READ_TIMEOUT_S
    except ValueError:
        value = DEFAULT_READ_TIMEOUT_S
    return value if value > 0 else DEFAULT_READ_TIMEOUT_S


class _TimedConn(TConn):  # type: ignore[misc]
    """A connection whose blocking reads time out (gthread makes them block forever)."""

    def init(self) -> None:
        super().init()
        self.sock.settimeout(read_timeout())


def refusal(exc: BaseException) -> tuple[int, str, str, str]:
    """Status, reason phrase, problem slug and detail for an error gunicorn could not parse."""
    for cls in type(exc).__mro__:
        if cls.__name__ in _REFUSALS:
            return _REFUSALS[cls.__name__]
    if isinstance(exc, http_errors.ParseException):
        return _BAD_REQUEST
    return _INTERNAL


def problem_bytes(status: int, reason: str, slug: str, detail: str) -> bytes:
    """A complete HTTP/1.1 problem+json response that closes the connection."""
    request_id = uuid.uuid4().hex
    body = json.dumps(
        {
            "type": PROBLEM_TYPE_BASE + slug,
            "title": TITLES.get(status, reason),
            "status": status,
            "detail": detail,
            "request_id": request_id,
        }
    ).encode("ascii")
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        f"Content-Type: {PROBLEM_MEDIA_TYPE}\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"X-Request-Id: {request_id}\r\n"
        "Cache-Control: no-store\r\n"
        "X-Content-Type-Options: nosniff\r\n\r\n"
    )
    return head.encode("ascii") + body


class _SlowClientFilter(logging.Filter):
    """A read timeout is a slow client, not a server fault: one line, no traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, TimeoutError) or (
            isinstance(exc, OSError) and exc.errno == errno.ETIMEDOUT
        ):
            record.msg, record.args, record.exc_info = "slow client: read timed out", (), None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class SourceguardWorker(ThreadWorker):  # type: ignore[misc]
    def init_process(self) -> None:
        logging.getLogger("gunicorn.error").addFilter(_SlowClientFilter())
        super().init_process()

    def accept(self, listener: Any) -> None:
        """gthread's accept, with connections whose reads time out."""
        try:
            client_sock, client_addr = listener.accept()
            self.nr_conns += 1
            client_sock.setblocking(True)
            conn = _TimedConn(self.cfg, client_sock, client_addr, listener.getsockname())
            self.enqueue_req(conn)
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        status, reason, slug, detail = refusal(exc)
        if status >= 500:
            self.log.error("error handling a request (%s)", type(exc).__name__)
        else:
            self.log.warning("refused a malformed request: %s %s", status, type(exc).__name__)
        try:
            client.sendall(problem_bytes(status, reason, slug, detail))
        except Exception:
            self.log.debug("failed to send the error response")
