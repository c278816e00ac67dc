"""PSEUDONYM: a name the draft itself declares protective ("under the pseudonym of X",
"X (not her real name)", "nom de guerre X", "X*" with a footnote saying the name was changed).

A declared pseudonym is safe to publish and must be kept, so this recognizer looks for the
declaration itself rather than for person cues; it finds names spaCy never saw.

Real declarations come in many phrasings, so they are matched as a small grammar rather than as
fixed sentences: a *concealment clause* ("asked that his surname be withheld", "who only gave
her first name", "prefers to be identified by one name", "a name adopted to conceal her
identity") attached to the name as an appositive or relative clause; a *naming clause* before
the name ("who we have chosen to call “X” and “Y”", "his nom-de-guerre (X ...)"), which may
introduce several names; a possessive ("X's full name has been withheld"); and "X*" with a
footnote anywhere below. A first name printed on its own at the source's request is a partial
name the outlet chose to print, so it is kept and reported as a pseudonym too.
"""

from __future__ import annotations

import bisect
import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS

from recognizers.base import make_result
from recognizers.entities import PSEUDONYM
from recognizers.name_keys import name_parts
from recognizers.person_mentions import TITLE_WORDS, Mention, find_mentions

# Every quantifier over word characters is bounded, and a name starts only at a word start: with
# ``[\w’'\-]*`` a long hyphen chain ("Name-al-Name-al-...") made every start × every hyphen ×
# every description word a backtracking attempt (cubic time). No name word is 40 letters long.
MAX_WORD = 40
_CHARS = r"[\w’'\-]{0," + str(MAX_WORD) + "}"
_WORD = r"(?:[A-Z]" + _CHARS + r"|(?:al|el|a|ad|as|ash|at|az|ar|an)-[A-Z]" + _CHARS + r")"
NAME = (
    r"(?<![\w’'\-])(?P<name>"
    + _WORD
    + r"(?:[ \u00a0](?:bin |ibn |de |al |el )?"
    + _WORD
    + r"){0,3})"
)
_PRON = r"(?:his|her|their|the|this person's|the source's)"

_NDG = r"(?:pseudonym|pen[- ]name|nom[- ]de[- ]guerre|alias|assumed name|false name|code ?name)"
_OWN_NAME = (
    r"(?:(?:his|her|their|the|my) (?:(?:real|actual|true|full|last|family|second|given|first|"
    r"legal|sur) ?)*names?|(?:his|her|their|my) surnames?|(?:his|her|their|my) identit(?:y|ies)|"
    r"(?:one|a single|only (?:one|a|his|her|their)(?: first)?) names?|(?:first|given) names? only)"
)
_CONCEAL_VERB = (
    r"(?:asked|asks|requested|requests|wanted|wants|want|preferred|prefers|prefer|chose|agreed|"
    r"declined|declines|refused|refuses|did not want|didn't want|does not want|doesn't want|"
    r"would not give|would only give|only gave|gave only|only give|withheld|spoke on condition|"
    r"speaking on condition|agreed to talk only|agreed to speak only|goes|go|went)"
)
_CONCEAL_PREDICATE = _CONCEAL_VERB + r"\b[^.;:\n]{0,70}?\b" + _OWN_NAME + r"(?![\w-])"
CONCEALMENT_CLAUSES: tuple[str, ...] = (
    # "who asked that his surname be withheld", "who only gave his first name",
    # "who prefers to be identified by one name", "agreed to talk only if his full name was left out"
    _CONCEAL_PREDICATE,
    r"(?:a |an )?(?:name|pseudonym|alias) (?:adopted|given|chosen|used) to (?:protect|conceal|hide)",
    r"(?:(?:real|full|last|sur) ?)?names? (?:has been |have been |had been |was |were |is |be )?"
    r"(?:changed|withheld|altered|kept out of print|left out|omitted)",
    # "whose identity we are protecting", "whose real name is being withheld"
    r"(?:whose|his|her|their) (?:(?:real|full|true) )?(?:identity|name|surname) (?:we are |we have |"
    r"is being |has been |was |is )?(?:protecting|protected|concealing|concealed|withholding|"
    r"withheld|not disclosing|not publishing|not using|changed|altered)",
    r"(?:requested|asked for|was granted|granted|given|on condition of) anonymity",
    r"gave (?:his|her|their) name (?:only )?as",
)
"""Phrases saying that the name printed is not the person's full real name."""

DECLARATIONS_BEFORE: tuple[str, ...] = (
    r"under the (?:pseudonym|pen name|nom de guerre|alias|assumed name|name)(?: of)?",
    r"(?:his|her|their|a|the) " + _NDG + r"[\s(“\"']*",
    r"(?:whom?|which) (?:we|this (?:article|report|newspaper|paper|outlet)|the (?:paper|newspaper))"
    r" (?:(?:have|has|had|are|will|shall) )?(?:(?:chosen|decided|agreed) to )?"
    r"(?:call(?:ed|ing)?|nam(?:e|ed|ing)|refer(?:red|ring)? to as|identif(?:y|ied) as)",
    # "a man the paper is calling “X”", "whom we will call “X”" (the quotation marks required)
    r"(?:we|the (?:paper|newspaper|outlet|reporter)|this (?:paper|newspaper|outlet|article|report)"
    r"|(?<![\w’'\-])[A-Z]"
    + _CHARS
    + r") (?:(?:is|are|will|shall|have|has|had) )?(?:chosen to |decided to )?"
    r"(?:calling|call|called|naming|name|named|refer(?:ring)? to)(?: (?:him|her|them))?(?: as)?"
    r"(?=\s*[“\"‘])",
    r"(?:we have |we've |we )?(?:given|gave) (?:him|her|them) the (?:name|pseudonym)",
    r"(?:using|uses|used|use|with|given|chose|chosen|adopted|took|takes) (?:the |a )?(?:pseudonym|pen name|nom de guerre|alias|assumed name|false name)(?: of)?",
    r"(?:the |a |his |her |their |whose )?(?:pseudonym|nom de guerre|pen name|assumed name|nickname for this (?:article|report|story))(?: is| was)?",
    # "identified only as X", "known here as X"; but "widely known as X" is a public nickname.
    r"(?:identified|referred to)(?: here| in this (?:article|report|story|piece))? (?:only )?(?:as|by the name)",
    r"(?:known|described|named|called)(?: here| in this (?:article|report|story|piece)| only)+ (?:as|by the name)",
    r"asked to be (?:identified|called|named|referred to|known) (?:here )?(?:only )?(?:as|by the name)",
    r"(?:whom|who) (?:we|this (?:article|report|newspaper)) (?:are|is|will be|have been)? ?(?:calling|call|naming|refer to as|referring to as)",
    r"we (?:are|will|have) (?:calling|call|called|naming|name|named) (?:him|her|them)",
    r"(?:goes|go|went) by (?:the name )?",
    r"(?:a|an) (?:alias|pseudonym),?",
)
DECLARATIONS_AFTER: tuple[str, ...] = (
    r"(?:a|an|his|her|their) (?:pseudonym|nom de guerre|pen name|alias|assumed name|false name)",
    r"not " + _PRON + r" (?:real|actual|true|full|given|legal) name",
    r"(?:his |her |their |whose |the )?(?:real )?names? (?:has been |have been |was |were |is )?(?:changed|withheld|altered)",
    r"names? changed",
    r"(?:who|whose) (?:\w+ ){0,3}asked (?:to be|that (?:he|she|they) be) (?:identified|named|called|referred to) only by (?:his|her|their) (?:first|given|nick) ?name",
    r"(?:who|whose) (?:\w+ ){0,3}asked to be (?:identified|named|called|referred to) only as",
    r"(?:who|whose) (?:\w+ ){0,3}(?:asked|requested|wanted) (?:that )?(?:his|her|their) (?:real|full|last) name (?:not )?(?:be )?(?:used|published|withheld)",
    r"(?:who|whose) (?:\w+ ){0,3}(?:did not|didn't) want (?:his|her|their) (?:real|full) name (?:used|published)",
    r"(?:which|who) is (?:a|not (?:his|her|their) real) (?:pseudonym|name)",
    r"is (?:a pseudonym|not (?:his|her|their) real name)",
    *CONCEALMENT_CLAUSES,
)
FOOTNOTE_RE = re.compile(
    r"(?m)(?:^|(?<=[.!?] ))[\s>_(]*(?:\\?\*|†|‡)\)?[^\n]{0,80}?(?:\b[Nn]ames?\b[^\n]{0,60}\b(?:changed|withheld|altered|"
    r"pseudonyms?)|[Pp]seudonym|[Nn]ot (?:his|her|their) real name|identit(?:y|ies)\b[^\n]{0,40}"
    r"\b(?:protect|conceal|hid))"
)
NAME_STAR_RE = re.compile(NAME + r"(?:’s|'s)?\\?\*(?!\*)")

_BEFORE_RE = re.compile(
    r"(?i:"
    + "|".join(f"(?:{d})" for d in DECLARATIONS_BEFORE)
    + r")(?:,?\s+|\s*\(\s*)[“\"'‘]?"
    + NAME
)
# Between the name and its declaration only a lower-case description may stand ("Kamal, a
# 22-year-old student who asked ..."): another capitalised name would make the declaration its own,
# and a verb of saying or a possessive ("X said her brother, who asked ...") would make it someone
# else's.
_DESCRIPTION = (
    r"(?:(?!(?:said|says|told|tells|added|his|her|their|whose)\b)"
    r"(?:a|an|the|[a-z0-9]" + _CHARS + r")[ ,]+){0,14}?"
)
_AFTER_RE = re.compile(
    NAME
    + r"(?:’s|'s)?[”\"']?(?:\s*(?:,|\(|\[|—|–|-)\s*)+(?:(?:aged )?\d{1,3},\s*)?"
    + _DESCRIPTION
    + r"(?i:"
    + "|".join(f"(?:{d})" for d in DECLARATIONS_AFTER)
    + r")"
)
_IS_RE = re.compile(
    NAME + r"\s+(?i:(?:is|isn't|is not) (?:a pseudonym|not (?:his|her|their) real name|"
    r"(?:his|her|their) real name|an alias)"
    r"|(?:is|was|has been|is being) (?:identified|named|called|referred to) (?:here |in this "
    r"(?:article|report|story) )?(?:by|with|under) (?:a|an) (?:pseudonym|alias|false name|"
    r"assumed name))"
)
_POSSESSIVE_RE = re.compile(
    NAME + r"(?:’s|'s)\s+(?i:(?:(?:real|full|last|first|sur|given|true) ?)*(?:names?|identity)"
    r" (?:has been |have been |had been |was |were |is |will be )(?:changed|withheld|altered|"
    r"kept|left out|omitted|not (?:used|published|given|disclosed)))"
)
GLOBAL_DECLARATION_RE = re.compile(
    r"(?i:(?:we|the (?:paper|newspaper|outlet|reporter)|this (?:paper|newspaper|outlet)) "
    r"(?:have |has |had )?changed (?:the |all (?:the )?)?names"
    r"|\b(?:all|the) names (?:in|of|used in) (?:this|the) (?:story|article|report|piece|feature)"
    r"[^.\n]{0,40}?(?:have been|were|are|had been) (?:changed|altered)"
    r"|\ball (?:the )?names (?:have been|were|are|had been) (?:changed|altered)"
    r"|\bnames of (?:all|everyone|every|each)\b[^.\n]{0,60}?(?:have been|were|are) (?:changed|altered|withheld)"
    r"|\bnone of (?:them|those|the \w+)[^.\n]{0,40}?(?:wanted|agreed|wished) (?:to have )?(?:their|his|her) "
    r"(?:real |full )?names? (?:used|published|printed|given))"
)
"""A declaration that covers every source named after it ("we have changed the names of
everyone in this story", "none of them wanted their real names used")."""
GLOBAL_SCORE = 0.8
NEARBY_DECLARATION_RE = re.compile(
    r"(?i:\b(?:we are|we're|we have|we've|we|the (?:paper|newspaper|outlet)|this (?:article|report|"
    r"story))\s+(?:(?:is|are|have|has|will) )?(?:only |not )?(?:using|used|use|publishing|published|"
    r"publish|printing|printed|giving|gave|identifying|naming)\b[^.\n]{0,40}?\b(?:(?:only )?(?:his|"
    r"her|their) (?:first|given) names?|(?:his|her|their) (?:surnames?|last names?|full names?|"
    r"real names?))"
    r"|\b(?:his|her|their) (?:surname|last name|family name|full name|real name)s? (?:has|have|"
    r"was|were|is) (?:been )?(?:withheld|changed|omitted|not (?:used|published))"
    r"|\bonly (?:his|her|their) (?:first|given) names? (?:is|are|was|were|has been|have been|"
    r"is being) (?:used|given|published|printed))"
)
"""A declaration in a sentence of its own ("For her safety, we are using only her first name."):
it covers the one-word names of the sentences just before it, which the outlet printed on purpose."""
NEARBY_CHARS = 300

# The name as the subject: "X agreed to talk only if his full name was left out."
_SUBJECT_RE = re.compile(
    NAME + r"\s+(?:(?:has|had|also|only|then|later) )*(?i:" + _CONCEAL_PREDICATE + r")"
)
# One naming clause may introduce several names: "who we have chosen to call “X” and “Y”".
_MORE_RE = re.compile(r"[”\"'’]?\s*,?\s*(?:and|or|,)\s+[“\"'‘]?" + NAME)


def _clean_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop leading titles and a trailing possessive; refuse spans that are no name at all."""
    words = text[start:end].split()
    while words and (words[0] in TITLE_WORDS or words[0].lower() in STOP_WORDS):
        start += len(words[0]) + 1
        words = words[1:]
    if not words or not name_parts(" ".join(words)):
        return None
    return start, end


class PseudonymRecognizer(EntityRecognizer):
    def __init__(self) -> None:
        super().__init__(
            supported_entities=[PSEUDONYM], name="PseudonymRecognizer", supported_language="en"
        )

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        found: dict[tuple[int, int], str] = {}
        for regex, reason in (
            (_BEFORE_RE, "declared as a pseudonym before the name"),
            (_AFTER_RE, "declared as a pseudonym after the name"),
            (_IS_RE, "declared as a pseudonym after the name"),
            (_SUBJECT_RE, "declared as a pseudonym after the name"),
            (_POSSESSIVE_RE, "the draft says this person's real or full name is withheld"),
        ):
            for match in regex.finditer(text):
                span = _clean_span(text, match.start("name"), match.end("name"))
                if span:
                    found.setdefault(span, reason)
                if regex is _BEFORE_RE:
                    self._more_names(text, match.end(), found)
        declared = GLOBAL_DECLARATION_RE.search(text)
        if declared and nlp_artifacts is not None and nlp_artifacts.tokens is not None:
            globally = [
                (m.start, m.end)
                for m in find_mentions(nlp_artifacts.tokens)
                if m.start >= declared.end() and not m.title and not m.credit
            ]
        else:
            globally = []
        mentions = self._mentions(nlp_artifacts)  # in document order
        starts = [m.start for m in mentions]
        for declared_near in NEARBY_DECLARATION_RE.finditer(text):
            # Only the mentions in the window before the declaration: bisect, no scan of all.
            lo = bisect.bisect_left(starts, declared_near.start() - NEARBY_CHARS)
            hi = bisect.bisect_left(starts, declared_near.start())
            for m in mentions[lo:hi]:
                if len(m.parts) == 1 and not m.title and not m.credit:
                    found.setdefault((m.start, m.end), "the draft says it printed only this name")
        if FOOTNOTE_RE.search(text):
            for match in NAME_STAR_RE.finditer(text):
                span = _clean_span(text, match.start("name"), match.end("name"))
                if span:
                    found.setdefault(
                        span, "name marked with an asterisk and a footnote saying it was changed"
                    )
        results = [
            make_result(PSEUDONYM, s, e, 0.95, self, [reason])
            for (s, e), reason in sorted(found.items())
        ]
        results.extend(
            make_result(
                PSEUDONYM,
                s,
                e,
                GLOBAL_SCORE,
                self,
                ["the draft declares that the names of the people it quotes were changed"],
            )
            for s, e in globally
            if (s, e) not in found
        )
        return results

    @staticmethod
    def _mentions(nlp_artifacts: NlpArtifacts | None) -> list[Mention]:
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        return find_mentions(nlp_artifacts.tokens)

    @staticmethod
    def _more_names(text: str, pos: int, found: dict[tuple[int, int], str]) -> None:
        """Further names of one naming clause ("... call “X” and “Y”"), each right after the last."""
        for _ in range(8):
            match = _MORE_RE.match(text, pos)
            if match is None:
                return
            span = _clean_span(text, match.start("name"), match.end("name"))
            if span:
                found.setdefault(span, "declared as a pseudonym before the name (in a list)")
            pos = match.end()
