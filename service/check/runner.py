"""Run the check: read files, screen (cache → local engine or remote service), map to rules.

The model is loaded once, and only if some file is not in the cache: a warm re-run of an
unchanged site reads, hashes and looks up files without importing spaCy at all. The cache entry
of a file holds what the engine found (offsets, types, identities, actions) and nothing else —
no text, no fingerprints — under a key made of the content digest, engine and model versions,
policy digest and roster digest, so any change to one of them screens the file again.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from service.audit.records import fingerprint
from service.check.files import DraftFile
from service.check.rules import (
    JIGSAW_MIN_RISK,
    ROLE_LABELS,
    RULE_BY_TYPE,
    RULES,
    UNCERTAIN_ROLE,
    Violation,
)
from service.check.settings import CheckSettings
from service.core.config import (
    derive_key,
    master_secret,
    model_package_version,
    policy_dirs,
    setting,
    sourceguard_version,
)
from service.core.config import max_chars as configured_max_chars
from service.core.errors import ConfigurationError, InputError
from service.drafts.canonical import CanonicalText, canonicalize
from service.drafts.markup import LineIndex
from service.drafts.validation import decode_bytes

CACHE_FORMAT = 3  # 3: findings in offsets of the original file (canonical view) + SG006
TOKEN_ENV = "SOURCEGUARD_TOKEN"
REMOTE_TIMEOUT_S = 120
FINDING_FIELDS = (
    "start",
    "end",
    "entity_type",
    "identity",
    "action",
    "risk",
    "kind",
    "review",
)


@dataclass
class FileResult:
    file: DraftFile
    violations: list[Violation]
    from_cache: bool
    original: str = field(repr=False, default="")  # the draft itself: only for suppressions
    problems: list[tuple[str, int, str]] = field(default_factory=list)  # bad suppressions


def fingerprint_key() -> tuple[bytes, bool]:
    """(key, stable). Stable only with ``SOURCEGUARD_SECRET_KEY``; else a key for this run only."""
    master = master_secret()
    if master:
        return derive_key(master, "check"), True
    return secrets.token_bytes(32), False


# -- reading ------------------------------------------------------------------------------------
def read_draft(file: DraftFile, stdin: BinaryIO, max_chars: int) -> tuple[bytes, str]:
    if file.path is None:
        data = stdin.read()
    else:
        try:
            data = file.path.read_bytes()
        except OSError as exc:
            raise InputError(f"{file.display}: cannot be read ({exc.strerror})") from None
    if not data.strip():
        return data, ""  # an empty draft has nothing to expose
    try:
        return data, decode_bytes(data, max_chars)
    except InputError as exc:
        raise InputError(f"{file.display}: {exc}") from None


# -- screening back ends ------------------------------------------------------------------------
class LocalScreener:
    """The engine in this process, created on first use."""

    def __init__(self, settings: CheckSettings) -> None:
        self.settings = settings
        self._engine: Any = None

    @property
    def engine(self) -> Any:
        if self._engine is None:
            from service.pipeline.engine import Engine

            self._engine = Engine.create(
                model_name=self.settings.model, roster_path=self.settings.roster
            )
        return self._engine

    def screen(self, text: str, fmt: str) -> list[dict[str, Any]]:
        result = self.engine.analyze(text, self.settings.policy, fmt=fmt)
        return [_finding_fields(f.to_dict()) for f in result.findings]


class RemoteScreener:
    """A running sourceguard service (``--server``): POST /v1/analyze with a bearer token."""

    def __init__(self, settings: CheckSettings) -> None:
        self.url = (settings.server or "").rstrip("/") + "/v1/analyze"
        self.policy = settings.policy
        self.token = setting(TOKEN_ENV)
        if not self.token:
            raise ConfigurationError(f"--server needs an API token in ${TOKEN_ENV}")
        if not self.url.startswith(("http://", "https://")):
            raise ConfigurationError("--server must be an http:// or https:// URL")
        self.policy_digest: str | None = None

    def screen(self, text: str, fmt: str) -> list[dict[str, Any]]:
        body = json.dumps({"text": text, "policy": self.policy, "format": fmt}).encode("utf-8")
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=REMOTE_TIMEOUT_S) as response:
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise ConfigurationError(f"server answered {exc.code}: {_problem_title(exc)}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ConfigurationError(f"server not reachable ({type(reason).__name__})") from None
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ConfigurationError("server answered with something that is not JSON") from None
        self.policy_digest = (answer.get("policy") or {}).get("digest")
        return [_finding_fields(f) for f in answer.get("findings", [])]


def _problem_title(exc: urllib.error.HTTPError) -> str:
    """The problem's title and detail (they never quote the draft), else the HTTP reason."""
    try:
        problem = json.loads(exc.read().decode("utf-8"))
        return f"{problem.get('title', exc.reason)}: {problem.get('detail', '')}".strip(": ")
    except (ValueError, OSError, AttributeError):
        return str(exc.reason)


def _finding_fields(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: raw[k] for k in FINDING_FIELDS if raw.get(k) is not None}


# -- cache --------------------------------------------------------------------------------------
class Cache:
    """One small JSON file per (content, engine, model, policy, roster); no text inside."""

    def __init__(self, directory: Path, context: dict[str, str]) -> None:
        self.directory = directory
        self.context = json.dumps(context, sort_keys=True)

    def key(self, data: bytes, kind: str) -> str:
        h = hashlib.sha256()
        h.update(self.context.encode("utf-8"))
        h.update(b"\0" + kind.encode("ascii") + b"\0")
        h.update(hashlib.sha256(data).digest())
        return h.hexdigest()

    def get(self, key: str) -> list[dict[str, Any]] | None:
        return self.get_entry(key, "")[0]

    def get_entry(
        self, key: str, key_id: str
    ) -> tuple[list[dict[str, Any]] | None, list[str] | None]:
        """(findings, their fingerprints); fingerprints only if made under the key ``key_id``.

        With the fingerprints a warm run needs no canonical view of the file (that view cost
        ten times the rest of a warm run); under another fingerprint key they are useless.
        """
        path = self.directory / key[:2] / f"{key}.json"
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None, None
        findings = entry.get("findings") if isinstance(entry, dict) else None
        if not isinstance(findings, list):
            return None, None
        stored = entry.get("fingerprints")
        if (
            key_id
            and isinstance(stored, dict)
            and stored.get("key") == key_id
            and isinstance(stored.get("values"), list)
            and len(stored["values"]) == len(findings)
            and all(isinstance(v, str) for v in stored["values"])
        ):
            return findings, stored["values"]
        return findings, None

    def put(
        self,
        key: str,
        findings: list[dict[str, Any]],
        fingerprints: tuple[str, list[str]] | None = None,
    ) -> None:
        """``fingerprints``: (key id, keyed fingerprint of each finding's canonical reading)."""
        folder = self.directory / key[:2]
        try:
            if not self.directory.exists():
                self.directory.mkdir(parents=True, mode=0o700)
                (self.directory / ".gitignore").write_text("# sourceguard cache\n*\n")
            folder.mkdir(exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                entry: dict[str, Any] = {"format": CACHE_FORMAT, "findings": findings}
                if fingerprints is not None:
                    entry["fingerprints"] = {"key": fingerprints[0], "values": fingerprints[1]}
                json.dump(entry, handle)
            os.replace(tmp, folder / f"{key}.json")
        except OSError:
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(tmp)  # a cache that cannot be written only costs time


def cache_context(
    settings: CheckSettings, policy_digest: str, roster_digest: str
) -> dict[str, str]:
    return {
        "format": str(CACHE_FORMAT),
        "engine": sourceguard_version(),
        "model": model_package_version(settings.model),  # metadata: a warm run never imports spaCy
        "policy": policy_digest,
        "roster": roster_digest,
    }


# -- findings → violations ----------------------------------------------------------------------
def violations_for(
    display: str,
    canonical: CanonicalText | None,
    lines: LineIndex,
    findings: list[dict[str, Any]],
    key: bytes,
    fingerprints: list[str] | None = None,
) -> list[Violation]:
    """Rule violations, located in the original file. Findings the policy keeps are not ones.

    ``fingerprints`` (one per finding, from :func:`finding_fingerprints`, possibly cached) spare
    the canonical view; without them they are computed from ``canonical``.
    """
    if fingerprints is None:
        if canonical is None:
            raise ValueError("violations_for needs the canonical view or the fingerprints")
        fingerprints = finding_fingerprints(canonical, findings, key)
    details: dict[str, list[str]] = {}
    for f in findings:
        if f["entity_type"] == "QUASI_IDENTIFIER" and f.get("identity") and f.get("kind"):
            kinds = details.setdefault(f["identity"], [])
            if f["kind"] not in kinds:
                kinds.append(f["kind"])
    out: list[Violation] = []
    for f, print_ in zip(findings, fingerprints, strict=True):
        rule = RULE_BY_TYPE.get(f["entity_type"])
        if f.get("review") and f.get("action") in ("keep", "flag"):
            rule = RULES[UNCERTAIN_ROLE]  # kept against doubt: the editor must see it
        elif rule is None or f.get("action") == "keep":
            continue
        if rule.id == "SG004" and f.get("risk") not in JIGSAW_MIN_RISK:
            continue
        start, end = f["start"], f["end"]
        line, column = lines.line_col(start)
        end_line, end_column = lines.line_col(end)
        out.append(
            Violation(
                path=display,
                rule=rule.id,
                level=rule.level,
                line=line,
                column=column,
                end_line=end_line,
                end_column=end_column,
                entity_type=f["entity_type"],
                role=ROLE_LABELS.get(f["entity_type"], f["entity_type"].lower()),
                fingerprint=print_,
                identity=f.get("identity"),
                risk=f.get("risk") if rule.id == "SG004" else None,
                details=details.get(f.get("identity") or "", []) if rule.id == "SG004" else [],
                review=bool(f.get("review")),
            )
        )
    return out


def finding_fingerprints(
    canonical: CanonicalText, findings: list[dict[str, Any]], key: bytes
) -> list[str]:
    """The keyed fingerprint of each finding's canonical reading (variants digest alike)."""
    return [fingerprint(canonical.reading(f["start"], f["end"]), key) for f in findings]


def fingerprint_key_id(key: bytes) -> str:
    """Names the fingerprint key in cache entries without revealing it (an HMAC under it)."""
    return hmac.new(key, b"sourceguard check cache fingerprints", hashlib.sha256).hexdigest()[:32]


# -- the run ------------------------------------------------------------------------------------
@dataclass
class Run:
    results: list[FileResult]
    files_from_cache: int
    seconds: float
    policy_digest: str
    key_stable: bool


def run(
    settings: CheckSettings,
    files: list[DraftFile],
    stdin: BinaryIO,
    key: bytes,
    key_stable: bool,
    progress: Callable[[str], None] | None = None,
) -> Run:
    from policies.loader import load_policy

    started = time.perf_counter()
    max_chars = configured_max_chars()
    screener: LocalScreener | RemoteScreener
    cache: Cache | None = None
    if settings.server:
        screener = RemoteScreener(settings)
        policy_digest = "remote"
    else:
        policy_digest = load_policy(settings.policy, policy_dirs(), allow_paths=False).digest
        screener = LocalScreener(settings)
        if settings.cache:
            cache = Cache(
                Path(settings.cache_dir),
                cache_context(settings, policy_digest, _roster_digest(settings)),
            )
    results: list[FileResult] = []
    hits = 0
    key_id = fingerprint_key_id(key)
    for file in files:
        data, text = read_draft(file, stdin, max_chars)
        fmt = "plain" if file.kind == "text" else file.kind
        findings: list[dict[str, Any]] | None = None
        prints: list[str] | None = None
        cache_key = cache.key(data, file.kind) if cache else None
        if cache and cache_key:
            findings, prints = cache.get_entry(cache_key, key_id)
        from_cache = findings is not None
        if findings is None or prints is None:
            canonical = canonicalize(text, fmt)
            if findings is None:
                findings = screener.screen(text, fmt) if canonical.text.strip() else []
            prints = finding_fingerprints(canonical, findings, key)
            if cache and cache_key and (not from_cache or key_stable):  # a run-only key: no use
                cache.put(cache_key, findings, (key_id, prints))
        hits += from_cache
        violations = violations_for(file.display, None, LineIndex(text), findings, key, prints)
        results.append(FileResult(file, violations, from_cache, original=text))
        if progress:
            progress(
                f"{file.display}: {len(violations)} finding(s){' (cached)' if from_cache else ''}"
            )
    if isinstance(screener, RemoteScreener) and screener.policy_digest:
        policy_digest = screener.policy_digest
    return Run(results, hits, time.perf_counter() - started, policy_digest, key_stable)


def _roster_digest(settings: CheckSettings) -> str:
    if not settings.roster:
        return "none"
    from service.pipeline.roster import load_roster, roster_key_from_env

    return load_roster(settings.roster, roster_key_from_env()).digest
