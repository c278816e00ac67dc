"""PUBLIC_FIGURE: people on the record in a public capacity, who must NOT be redacted.

Three signals: a title directly before the name ("Foreign Minister X", "UN Special Envoy for Yemen,
X"), a public role in an appositive ("X, head of the regional administration"), and a gazetteer of
well-known figures that a newsroom can extend. An allow list (``allow_list``) marks more names as
public; it only ever produces PUBLIC_FIGURE results, and role precedence means it can never release
a roster or at-risk match. Bylines and photo credits are on the record by the publication's choice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.base import MentionRecognizer, make_result
from recognizers.entities import PUBLIC_FIGURE
from recognizers.lexicon import DATA_DIR, alternation, phrases
from recognizers.name_keys import name_keys, name_parts, token_keys
from recognizers.person_mentions import WORD_RE, Mention, find_mentions

TITLE_FILE = "public_titles.txt"
ROLE_FILE = "public_roles.txt"
GAZETTEER_FILE = DATA_DIR / "public_figures.txt"


@dataclass(frozen=True)
class Gazetteer:
    """Name keys of known public figures: full names and single-word aliases."""

    full: frozenset[str]
    single: frozenset[str]

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> Gazetteer:
        full: set[str] = set()
        single: set[str] = set()
        for line in lines:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            for variant in (v.strip() for v in line.split("|")):
                if len(name_parts(variant)) > 1:
                    full.update(name_keys(variant))
                elif name_parts(variant):
                    single.update(token_keys(name_parts(variant)[0]))
        return cls(frozenset(full), frozenset(single))

    @classmethod
    def load(cls, extra: Path | None = None) -> Gazetteer:
        lines = GAZETTEER_FILE.read_text(encoding="utf-8").splitlines()
        if extra is not None:
            lines += extra.read_text(encoding="utf-8").splitlines()
        return cls.from_lines(lines)


@lru_cache(maxsize=1)
def _regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    titles = alternation(phrases(TITLE_FILE))
    # "Foreign Minister X", "UN Special Envoy for Yemen, X", "the head of the council, X"
    before = re.compile(
        r"(?<![\w-])(?P<cue>" + titles + r")(?:\s+(?:for|of|to|on)\s+[^,.;:]{1,80},)?\s*,?\s*$",
        re.IGNORECASE,
    )
    appositive = re.compile(r"^(?P<cue>" + alternation(phrases(ROLE_FILE)) + r")", re.IGNORECASE)
    return before, appositive


class PublicFigureRecognizer(MentionRecognizer):
    ENTITY = PUBLIC_FIGURE

    def __init__(self, gazetteer: Gazetteer | None = None, allow_list: Iterable[str] = ()) -> None:
        super().__init__()
        if gazetteer is None:  # the service passes its configured list (engine._gazetteer)
            gazetteer = Gazetteer.load()
        allowed = Gazetteer.from_lines(allow_list)
        self.gazetteer = gazetteer
        self.allowed = allowed

    def set_allowed(self, allow_list: Iterable[str]) -> None:
        """Replace the allow list (the service adds the newsroom's stored "always public")."""
        self.allowed = Gazetteer.from_lines(allow_list)

    def classify(self, mention: Mention, text: str) -> tuple[float, list[str]] | None:
        before, appositive = _regexes()
        keys = name_keys(mention.text)
        if keys & self.allowed.full or (
            len(mention.parts) == 1 and token_keys(mention.parts[0]) & self.allowed.single
        ):
            return 0.9, ["on the newsroom's allow list"]
        hit = before.search(mention.left[-120:])
        if hit:
            return 0.9, [f"public title '{hit.group('cue')}' before the name"]
        if mention.appositive:
            hit = appositive.match(mention.appositive)
            if hit:
                return 0.85, [f"public role '{hit.group('cue').lower()}' after the name"]
        if keys & self.gazetteer.full:
            return 0.8, ["well-known public figure (gazetteer)"]
        if len(mention.parts) == 1 and token_keys(mention.parts[0]) & self.gazetteer.single:
            return 0.7, ["well-known public figure (gazetteer alias)"]
        if mention.credit:
            return 0.6, ["byline or credit: named on the record by the publication"]
        return None

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts)
        covered = {(r.start, r.end) for r in results}
        if nlp_artifacts is not None and nlp_artifacts.tokens is not None:
            covered |= {(m.start, m.end) for m in find_mentions(nlp_artifacts.tokens)}
        results.extend(self._single_word_aliases(text, covered))
        return results

    def _single_word_aliases(
        self, text: str, covered: set[tuple[int, int]]
    ) -> list[RecognizerResult]:
        """Nicknames and surnames the gazetteer knows ("Hemedti") even where spaCy saw nothing."""
        if not self.gazetteer.single and not self.allowed.single:
            return []
        out = []
        for match in WORD_RE.finditer(text):
            word = match.group()
            if not word[:1].isupper() or (match.start(), match.end()) in covered:
                continue
            keys = token_keys(word)
            if keys & self.allowed.single:
                reason = "on the newsroom's allow list"
            elif keys & self.gazetteer.single:
                reason = "well-known public figure (gazetteer alias)"
            else:
                continue
            end = match.end() - (2 if word.endswith(("’s", "'s")) else 0)
            out.append(make_result(PUBLIC_FIGURE, match.start(), end, 0.7, self, [reason]))
        return out
