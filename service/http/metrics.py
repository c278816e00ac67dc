"""Prometheus metrics: requests, latency, findings by type, audit records.

Each app gets its own registry (no import-time globals). Under ``sourceguard serve`` several
gunicorn workers share one scrape endpoint, so the server sets ``PROMETHEUS_MULTIPROC_DIR``
before any worker starts and ``/metrics`` then aggregates every worker's counters from it.
Labels are route names, statuses and entity types only: never a value from a draft.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from service.core.config import METRICS_DIR_ENV as MULTIPROC_ENV
from service.core.config import setting

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    def __init__(self) -> None:
        self.multiprocess = bool(setting(MULTIPROC_ENV))
        # In multiprocess mode values live in files; registering them would double-count.
        self.registry = CollectorRegistry()
        target = None if self.multiprocess else self.registry
        self.requests = Counter(
            "sourceguard_http_requests",
            "HTTP requests answered, by route and status.",
            ["method", "route", "status"],
            registry=target,
        )
        self.latency = Histogram(
            "sourceguard_http_request_duration_seconds",
            "Time to answer an HTTP request, by route.",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=target,
        )
        self.findings = Counter(
            "sourceguard_findings",
            "Findings reported by analyze and sanitize, by entity type.",
            ["entity_type"],
            registry=target,
        )
        self.audit_records = Counter(
            "sourceguard_audit_records",
            "Audit records written, by operation.",
            ["operation"],
            registry=target,
        )
        self.characters = Counter(
            "sourceguard_screened_characters",
            "Characters of draft text screened.",
            registry=target,
        )

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method=method, route=route, status=str(status)).inc()
        self.latency.labels(route=route).observe(seconds)

    def observe_findings(self, entity_types: list[str], characters: int) -> None:
        for entity_type in entity_types:
            self.findings.labels(entity_type=entity_type).inc()
        self.characters.inc(characters)

    def render(self) -> bytes:
        if self.multiprocess:
            registry = CollectorRegistry()
            MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)
