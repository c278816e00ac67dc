"""Helpers shared by the benchmark scripts (corpus lookup, text loading)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS_ENV = "BENCH_CORPUS"


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
