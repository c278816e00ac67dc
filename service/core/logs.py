"""Structured JSON log lines on stderr, one object a line, always with the request id.

Only fields passed explicitly are logged (method, path, status, timings, counts, ids). Nothing
here ever receives the draft, a finding's text or an exception message (which could quote
either): failures are logged by exception class and code location only.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from typing import Any

LOGGER_NAME = "sourceguard"
_HANDLER_FLAG = "_sourceguard_json"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        return json.dumps(entry, ensure_ascii=True, default=str)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at emit time (redirections and test capture work)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self):  # type: ignore[no-untyped-def]
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # type: ignore[no-untyped-def]
        pass


def configure(level: str = "INFO") -> logging.Logger:
    """The ``sourceguard`` logger with one JSON handler on stderr (idempotent)."""
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(level if level in logging.getLevelNamesMapping() else "INFO")
    if not any(getattr(h, _HANDLER_FLAG, False) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(JsonFormatter())
        setattr(handler, _HANDLER_FLAG, True)
        logger.addHandler(handler)
    logger.propagate = False
    return logger


def event(name: str, level: int = logging.INFO, **fields: Any) -> None:
    logging.getLogger(LOGGER_NAME).log(level, name, extra={"fields": fields})


def exception_fields(exc: BaseException) -> dict[str, Any]:
    """Class and code locations of an exception, without its message or any argument values."""
    frames = traceback.extract_tb(exc.__traceback__)[-5:]
    return {
        "error": type(exc).__name__,
        "where": [f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}:{f.name}" for f in frames],
    }
