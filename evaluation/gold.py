"""The gold corpus: ``NAME.txt`` drafts with ``NAME.json`` annotations (persons by class, every
mention string, anonymous sources), read and validated.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.core.errors import InputError
from service.core.findings import Finding

PSEUDONYM_ENTITY = "PSEUDONYM"


GOLD_CLASSES = frozenset({"at_risk", "pseudonym", "public", "ignore"})


KEPT_CLASSES = frozenset({"pseudonym", "public"})


SCORED_CLASSES = KEPT_CLASSES | {"at_risk"}


Sanitizer = Callable[[str], tuple[str, Sequence[Finding]]]
"""A system under evaluation: draft text -> (sanitized text, findings)."""


class GoldCorpusError(InputError):
    """The gold directory is missing, empty or malformed."""


class EvaluationError(RuntimeError):
    """A system failed on a corpus document (the message names the document, never its text)."""


@dataclass(frozen=True)
class GoldPerson:
    identity: str
    cls: str  # at_risk | pseudonym | public | ignore
    role: str
    mentions: tuple[str, ...]
    roster: bool = False


@dataclass
class GoldDoc:
    id: str
    text: str
    persons: list[GoldPerson]
    anonymous_sources: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    text_path: Path | None = None

    def persons_of(self, cls: str) -> list[GoldPerson]:
        return [p for p in self.persons if p.cls == cls]


def _read_text(path: Path) -> str:
    try:
        # newline="" keeps the bytes as written, so offsets match what any front end sees.
        with path.open(encoding="utf-8", newline="") as fh:
            return fh.read()
    except UnicodeDecodeError as exc:
        raise GoldCorpusError(f"{path.name} is not valid UTF-8") from exc


def _parse_gold(data: Any, name: str) -> tuple[list[GoldPerson], list[dict[str, Any]], str]:
    if not isinstance(data, dict) or not isinstance(data.get("persons", []), list):
        raise GoldCorpusError(f"{name}: expected an object with a 'persons' list")
    persons = []
    for i, entry in enumerate(data.get("persons", [])):
        try:
            cls = entry["class"]
            mentions = tuple(entry["mentions"])
            identity = entry["identity"]
        except (KeyError, TypeError) as exc:
            raise GoldCorpusError(f"{name}: person #{i} lacks identity/class/mentions") from exc
        if cls not in GOLD_CLASSES:
            raise GoldCorpusError(f"{name}: person #{i} has unknown class {cls!r}")
        if not all(isinstance(m, str) and m.strip() for m in mentions):
            raise GoldCorpusError(f"{name}: person #{i} has an empty or non-string mention")
        persons.append(
            GoldPerson(
                identity=str(identity),
                cls=cls,
                role=str(entry.get("role", "other")),
                mentions=mentions,
                roster=bool(entry.get("roster", False)),
            )
        )
    sources = data.get("anonymous_sources", []) or []
    return persons, list(sources), str(data.get("url", ""))


def load_gold_dir(path: str | Path) -> list[GoldDoc]:
    """Load every ``NAME.txt`` + ``NAME.json`` pair of ``path``, sorted by name.

    JSON files without a ``.txt`` partner (``roster.json``) and texts without gold are skipped.
    Raises :class:`GoldCorpusError` when the directory is missing or holds no pair.
    """
    directory = Path(path)
    if not directory.is_dir():
        raise GoldCorpusError(f"gold directory not found: {directory}")
    docs = []
    for gold_path in sorted(directory.glob("*.json")):
        text_path = gold_path.with_suffix(".txt")
        if not text_path.is_file():
            continue
        try:
            data = json.loads(gold_path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise GoldCorpusError(f"{gold_path.name} is not valid UTF-8 JSON") from exc
        persons, sources, url = _parse_gold(data, gold_path.name)
        docs.append(
            GoldDoc(
                id=gold_path.stem,
                text=_read_text(text_path),
                persons=persons,
                anonymous_sources=sources,
                url=url,
                text_path=text_path,
            )
        )
    if not docs:
        raise GoldCorpusError(
            f"no NAME.txt + NAME.json pairs in {directory} (a gold corpus pairs each article "
            "NAME.txt with its annotation NAME.json)"
        )
    return docs
