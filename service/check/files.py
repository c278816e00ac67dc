"""Which files ``check`` reads: the paths given, folders recursively, minus excludes.

Paths are reported relative to the working directory with "/" separators, so baselines and
SARIF locations are the same on every machine and in CI.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from service.check.settings import DEFAULT_EXCLUDES
from service.core.errors import InputError
from service.drafts.markup import kind_for


@dataclass(frozen=True)
class DraftFile:
    path: Path | None  # None for stdin
    display: str  # as reported ("-" for stdin)
    kind: str  # "markdown" | "html" | "text"


def display_path(path: Path, cwd: Path) -> str:
    try:
        rel = os.path.relpath(path.resolve(), cwd.resolve())
    except ValueError:  # another drive on Windows
        rel = str(path)
    return PurePosixPath(*Path(rel).parts).as_posix()


def excluded(display: str, patterns: Iterable[str]) -> bool:
    """A glob matches the whole relative path or any single path segment."""
    parts = display.split("/")
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatch(display, pattern) or any(fnmatch.fnmatch(p, pattern) for p in parts):
            return True
    return False


def discover(paths: list[str], exclude: list[str], cwd: Path, stdin_kind: str) -> list[DraftFile]:
    """Every draft to screen, in a stable order; InputError for a path that does not exist."""
    patterns = [*DEFAULT_EXCLUDES, *exclude]
    found: dict[str, DraftFile] = {}
    for raw in paths:
        if raw == "-":
            found["-"] = DraftFile(None, "-", stdin_kind)
            continue
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{raw}: no such file or directory")
        if path.is_file():
            display = display_path(path, cwd)
            # A file named explicitly is screened even with an unknown extension (as text).
            found.setdefault(display, DraftFile(path, display, kind_for(raw) or "text"))
            continue
        for root, dirs, files in os.walk(path):
            root_path = Path(root)
            dirs[:] = sorted(
                d for d in dirs if not excluded(display_path(root_path / d, cwd), patterns)
            )
            for name in sorted(files):
                kind = kind_for(name)
                file = root_path / name
                display = display_path(file, cwd)
                if kind is None or excluded(display, patterns):
                    continue
                found.setdefault(display, DraftFile(file, display, kind))
    return sorted(found.values(), key=lambda f: (f.display == "-", f.display))
