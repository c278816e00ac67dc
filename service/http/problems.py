"""RFC 7807 ``application/problem+json`` errors for every HTTP failure.

A ``Problem`` is raised anywhere in a request and rendered by the app's error handler. Details are
written for the caller and never quote the draft: they name fields, sizes and error kinds.
"""

from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify

PROBLEM_TYPE_BASE = "https://sourceguard.invalid/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"

TITLES: dict[int, str] = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Unprocessable draft",
    429: "Too many requests",
    500: "Internal error",
    503: "Service not ready",
}


class Problem(Exception):
    """An error answer: HTTP status, a short slug for ``type``, and a human detail."""

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


def problem_response(problem: Problem, instance: str | None = None) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + problem.slug,
        "title": TITLES.get(problem.status, "Error"),
        "status": problem.status,
        "detail": problem.detail,
    }
    if instance:
        body["instance"] = instance
    request_id = getattr(g, "request_id", None)
    if request_id:
        body["request_id"] = request_id
    body.update(problem.extra)
    response = jsonify(body)
    response.status_code = problem.status
    response.mimetype = PROBLEM_MEDIA_TYPE
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response
