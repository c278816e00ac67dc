"""Result objects shared by the engine, the HTTP API and the CI check.

Findings never carry the matched text: a consumer that needs it slices the draft it already has.
That keeps names out of JSON logs, audit records and CI output by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from policies.types import PolicyInfo


@dataclass
class Finding:
    start: int
    end: int
    entity_type: str
    score: float
    recognizer: str
    reasons: list[str] = field(default_factory=list)
    identity: str | None = None  # shared by all mentions of one person / one anonymous source
    action: str = "keep"
    replacement: str | None = None
    risk: str | None = None  # jigsaw risk for ANONYMOUS_SOURCE, inherited by its quasi-identifiers
    kind: str | None = None  # sub-kind, e.g. "age" or "place" for QUASI_IDENTIFIER
    confidence: float | None = None  # persons: how sure the role decision is (0..1)
    review: bool | None = None  # persons: True when an editor should check the decision

    def to_dict(self) -> dict[str, Any]:
        """The set fields; lists copied. Not ``asdict``: its recursive deep copy cost ~0.1 ms
        a finding, a millisecond or more of every HTTP response (``bench/http_overhead.py``)."""
        out: dict[str, Any] = {}
        for name in _FINDING_FIELDS:
            value = getattr(self, name)
            if value is not None:
                out[name] = list(value) if isinstance(value, list) else value
        return out


_FINDING_FIELDS = tuple(f.name for f in fields(Finding))


@dataclass
class Identity:
    """One person (or anonymous source) and every span that refers to it."""

    id: str
    entity_type: str
    mentions: list[tuple[int, int]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0


@dataclass
class ScreeningResult:
    sanitized_text: str
    findings: list[Finding]
    policy: PolicyInfo
    summary: dict[str, Any]
    engine: dict[str, str] = field(default_factory=dict)

    def to_dict(self, include_text: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if include_text:
            out["sanitized_text"] = self.sanitized_text
        out["findings"] = [f.to_dict() for f in self.findings]
        out["policy"] = self.policy.to_dict()
        out["summary"] = self.summary
        out["engine"] = self.engine
        return out
