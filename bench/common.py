"""Helpers shared by the benchmark scripts (corpus lookup, text loading, the CLI in a subprocess)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS_ENV = "BENCH_CORPUS"
ISOLATING_UNSET = ("SOURCEGUARD_DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR", "SOURCEGUARD_CONFIG")
"""Settings of the caller's environment that would point a bench's service at another store."""


def corpus_dir(explicit: Path | None = None) -> Path | None:
    """``--dir``, else ``$BENCH_CORPUS``, else ``../shared/corpus`` of the checkout."""
    if explicit is not None:
        return explicit if explicit.is_dir() else None
    env = os.environ.get(CORPUS_ENV, "").strip()
    for candidate in (Path(env) if env else None, REPO.parent / "shared" / "corpus"):
        if candidate is not None and candidate.is_dir():
            return candidate
    return None


def load_texts(directory: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.txt")) if p.is_file()]


def word_count(text: str) -> int:
    return len(text.split())


def sourceguard_command() -> list[str]:
    """The installed ``sourceguard`` beside this interpreter, else ``python -m service.cli``."""
    script = Path(sys.executable).with_name("sourceguard")
    return [str(script)] if script.exists() else [sys.executable, "-m", "service.cli"]


def isolated_env(data_dir: Path, secret: str, **extra: str) -> dict[str, str]:
    """This environment with an own SQLite store in ``data_dir`` and an own master secret."""
    env = {**os.environ, "SOURCEGUARD_DATA_DIR": str(data_dir), "SOURCEGUARD_SECRET_KEY": secret}
    env.update(extra)
    for name in ISOLATING_UNSET:
        env.pop(name, None)
    return env
