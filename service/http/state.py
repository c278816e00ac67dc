"""What one service process holds: config, engine, store, metrics — and the audited screen.

``ServiceState.screen`` is the only way the HTTP front ends run the engine: it refreshes the
roster from the store, screens, writes the audit record and only then hands the result back.
If any of those steps fails the caller gets a ``Problem`` (503), never an unaudited result.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from policies.loader import PolicyError, Rule, list_policies, load_policy
from service.audit.records import build_record
from service.audit.store import Store, StoreConflict, StoreError
from service.core import logs
from service.core.config import Config, policy_dirs
from service.core.errors import ConfigurationError, InputError
from service.core.findings import ScreeningResult
from service.http.metrics import Metrics
from service.http.problems import Problem
from service.pipeline.engine import EditorHook, Engine
from service.pipeline.freetext import screen_note
from service.pipeline.roster import Roster, RosterError

ROSTER_CAS_ATTEMPTS = 5


@dataclass
class ServiceState:
    config: Config
    metrics: Metrics
    engine: Engine | None = None
    engine_error: str | None = None
    store: Store | None = None
    store_error: str | None = None
    roster_generation: int = -1
    allow_list: tuple[str, ...] | None = None  # the stored "always public" names last applied
    lock: threading.RLock = field(default_factory=threading.RLock)

    # -- readiness ------------------------------------------------------------------------------
    def engine_or_503(self) -> Engine:
        if self.engine is None:
            raise Problem(
                503,
                "engine-unavailable",
                f"screening engine not loaded: {self.engine_error or 'unknown error'}",
            )
        return self.engine

    def store_or_503(self) -> Store:
        if self.store is None:
            raise Problem(
                503,
                "store-unavailable",
                f"audit store not usable: {self.store_error or 'unknown error'}",
            )
        return self.store

    def readiness(self) -> dict[str, Any]:
        """Each component's state; ready only if all are ``ok``."""
        checks: dict[str, str] = {}
        checks["model"] = "ok" if self.engine else f"error: {self.engine_error}"
        try:
            for name in list_policies(policy_dirs()):
                load_policy(name, policy_dirs(), allow_paths=False)
            checks["policies"] = "ok"
        except PolicyError as exc:
            checks["policies"] = f"error: {exc}"
        if self.store is None:
            checks["audit_store"] = f"error: {self.store_error}"
        else:
            try:
                self.store.check()
                checks["audit_store"] = "ok"
            except StoreError as exc:
                checks["audit_store"] = f"error: {exc}"
        if self.engine and self.store and checks["audit_store"] == "ok":
            try:
                with self.lock:
                    self.refresh_roster()
                checks["roster"] = "ok"
            except Problem as exc:
                checks["roster"] = f"error: {exc.detail}"
        return {"ready": all(v == "ok" for v in checks.values()), "checks": checks}

    # -- roster -------------------------------------------------------------------------------
    def refresh_roster(self) -> Roster:
        """Reload the roster if another worker changed it; fail closed if it cannot be used."""
        engine, store = self.engine_or_503(), self.store_or_503()
        try:
            generation = store.roster_generation()
            if generation != self.roster_generation:
                generation, document = store.load_roster()
                key = self.config.key("roster")
                roster = (
                    Roster.from_document(document, key, label="stored roster")
                    if document
                    else Roster.empty(key)
                )
                engine.set_roster(roster)
                self.roster_generation = generation
        except (StoreError, RosterError) as exc:
            self.roster_generation = -1
            raise Problem(
                503, "roster-unavailable", f"protected-source roster not usable: {exc}"
            ) from None
        return engine.roster

    def refresh_allow_list(self) -> None:
        """Apply the newsroom's stored "always public" names if they changed; fail closed."""
        engine, store = self.engine_or_503(), self.store_or_503()
        try:
            names = tuple(store.list_allowed())
        except StoreError as exc:
            raise Problem(503, "store-unavailable", f"allow list not readable: {exc}") from None
        if names != self.allow_list:
            engine.set_allow_list(list(names))
            self.allow_list = names

    def change_roster(self, change: Any) -> Any:
        """Apply ``change(roster)`` and save with compare-and-swap; retried if another worker won."""
        store = self.store_or_503()
        for _ in range(ROSTER_CAS_ATTEMPTS):
            with self.lock:
                current = self.refresh_roster()
                roster = Roster([dict(e) for e in current.entries], self.config.key("roster"))
                outcome = change(roster)
                try:
                    self.roster_generation = store.save_roster(
                        roster.to_document(), self.roster_generation
                    )
                except StoreConflict:
                    self.roster_generation = -1  # another worker saved first: reload, retry
                    continue
                except StoreError as exc:
                    raise Problem(503, "store-unavailable", f"roster not saved: {exc}") from None
                self.engine_or_503().set_roster(roster)
                return outcome
        raise Problem(409, "roster-conflict", "the roster changed concurrently; try again")

    # -- screening ----------------------------------------------------------------------------
    def screen(
        self,
        text: str,
        policy: str | None,
        *,
        apply: bool,
        actor: str,
        request_id: str,
        details: dict[str, Any] | Callable[[ScreeningResult], dict[str, Any]] | None = None,
        overrides: Mapping[str, Rule] | None = None,
        editor: EditorHook | None = None,
        fmt: str | None = None,
        timings: dict[str, float] | None = None,
    ) -> tuple[ScreeningResult, dict[str, Any]]:
        """Screen and audit. ``details`` may be computed from the result (before it is audited);
        ``overrides`` and ``editor`` are an editor's per-identity decisions (``Engine.screen``).
        ``timings``, if given, receives the seconds of each step: ``roster`` (waiting for the
        engine lock, then the roster and allow-list refresh), ``engine``, ``audit``."""
        clock = _StepClock(timings)
        engine = self.engine_or_503()
        self.store_or_503()  # no screening without an audit store
        with self.lock:
            self.refresh_roster()
            self.refresh_allow_list()
            clock.lap("roster")
            try:
                result = engine.screen(
                    text, policy, apply=apply, overrides=overrides, editor=editor, fmt=fmt
                )
            except PolicyError as exc:
                raise _policy_problem(policy, exc) from None
            except InputError as exc:
                raise Problem(422, "invalid-text", str(exc)) from None
            except ConfigurationError as exc:
                raise Problem(503, "configuration", str(exc)) from None
            clock.lap("engine")
        if callable(details):
            details = details(result)
        body = build_record(
            operation="sanitize" if apply else "analyze",
            actor=actor,
            request_id=request_id,
            text=text,
            result=result,
            audit_key=self.config.key("audit"),
            output_text=result.sanitized_text if apply else None,
            details=details,
        )
        record = self.append_audit(body)
        clock.lap("audit")
        self.metrics.observe_findings([f.entity_type for f in result.findings], len(text))
        return result, record

    def screen_note(self, text: str, known_names: list[str]) -> str:
        """A free-text field to be stored (an override reason), with every name replaced.

        Fails closed: a note with control characters is refused (422) and one that cannot be
        screened fails the request (503); it is never stored as written.
        """
        engine = self.engine_or_503()
        with self.lock:
            self.refresh_roster()
            try:
                return screen_note(engine, text, known_names).text
            except InputError as exc:
                raise Problem(422, "invalid-note", f"a reason is unusable: {exc}") from None
            except (ConfigurationError, PolicyError) as exc:
                raise Problem(
                    503, "screening-unavailable", f"a reason could not be screened: {exc}"
                ) from None

    def append_audit(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            record = self.store_or_503().append_audit(body)
        except StoreError as exc:
            logs.event("audit_write_failed", 40, error=type(exc).__name__)
            raise Problem(
                503,
                "audit-unavailable",
                "the audit record could not be written; nothing was returned (retry later)",
            ) from None
        self.metrics.audit_records.labels(operation=body.get("operation", "unknown")).inc()
        return record


class _StepClock:
    """Seconds between successive ``lap`` calls, added under each step's name (or nothing)."""

    def __init__(self, into: dict[str, float] | None) -> None:
        self.into = into
        self.last = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        if self.into is not None:
            self.into[step] = self.into.get(step, 0.0) + now - self.last
        self.last = now


def _policy_problem(name: str | None, exc: PolicyError) -> Problem:
    if name and name not in list_policies(policy_dirs()):
        # Never echo it: a client's policy field is client input and may be a name.
        return Problem(
            404,
            "unknown-policy",
            "there is no policy with that name",
            policies=list_policies(policy_dirs()),
        )
    return Problem(503, "policy-unavailable", f"policy cannot be loaded: {exc}")
