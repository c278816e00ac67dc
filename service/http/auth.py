"""Bearer API tokens with roles.

``editor`` screens drafts and reads policies, ``auditor`` reads and verifies the audit log,
``admin`` may do everything (roster management included). Tokens are stored as SHA-256 digests
by the store; the audit log records the token id (``g.actor``), never the token.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request

from service.audit.store import ROLES  # noqa: F401  (re-exported: the roles live with the tokens)
from service.http.problems import Problem

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="sourceguard"'}

F = TypeVar("F", bound=Callable[..., Any])


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate() -> dict[str, Any]:
    """The token record of the caller, or 401."""
    token = bearer_token()
    if token is None:
        raise Problem(
            401,
            "unauthenticated",
            "send an API token as 'Authorization: Bearer …'",
            headers=_CHALLENGE,
        )
    state = current_app.extensions["sourceguard"]
    record = state.store_or_503().authenticate(token)
    if record is None:
        raise Problem(
            401, "invalid-token", "the API token is unknown or revoked", headers=_CHALLENGE
        )
    return record


def allowed(role: str, roles: tuple[str, ...]) -> bool:
    return role == "admin" or role in roles


def require(*roles: str) -> Callable[[F], F]:
    """Decorator: the caller must hold one of ``roles`` (admin holds all)."""

    def wrap(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            record = authenticate()
            g.actor = record["id"]
            g.role = record["role"]
            if not allowed(record["role"], roles):
                raise Problem(
                    403,
                    "forbidden",
                    f"this needs the role {' or '.join(roles)}; "
                    f"the token has the role {record['role']}",
                )
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return wrap
