"""Clauses that introduce the chosen name itself, so the name *follows* the declaration.

"under the pseudonym of X", "who we have chosen to call “X” and “Y”", "a man the paper calls
“X”", "identified only as X", "his nom de guerre (X ...)", and footnote marks: "X*" with a line
below saying names marked so were changed. One naming clause may introduce several names.
"""

from __future__ import annotations

import re

from recognizers.pseudonym import vocabulary as v
from recognizers.pseudonym.names import CHARS, NAME, OPEN_QUOTE, UPPER, clean_span

_ALIAS = r"(?:" + v.ALIAS_NOUNS + r")"
_OUTLET_OR_SUBJECT = r"(?:" + v.OUTLET_SUBJECTS + r"|(?<![\w’'\-])" + UPPER + CHARS + r")"
DECLARATIONS_BEFORE: tuple[str, ...] = (
    r"under the (?:" + _ALIAS + r"|name)(?: of)?",
    r"(?:his|her|their|a|the) " + _ALIAS + r"[\s(“\"']*",
    # "who we have chosen to call X", "whom the paper is calling X"
    r"(?:whom?|which) (?:"
    + v.OUTLET_SUBJECTS
    + r"|(?:the )?"
    + UPPER
    + CHARS
    + r"(?: "
    + UPPER
    + CHARS
    + r"){0,2}) (?:(?:have|has|had|are|is|will|shall) )?"
    r"(?:(?:chosen|decided|agreed) to )?(?:been )?"
    + v.NAMING_VERBS
    + r"(?: (?:him|her|them))?(?: as)?",
    # "a man the paper is calling “X”", "we will call her “X”" (the quotation marks required)
    _OUTLET_OR_SUBJECT
    + r" (?:(?:is|are|will|shall|have|has|had) )?(?:(?:chosen|decided) to )?"
    + v.NAMING_VERBS
    + r"(?: (?:him|her|them))?(?: as)?(?=\s*[“\"‘'])",
    r"(?:"
    + v.OUTLET_SUBJECTS
    + r") (?:(?:are|is|will|have|has) )?(?:"
    + v.NAMING_VERBS
    + r") (?:him|her|them)",
    # "a woman we will call Noor", "we are calling him X" (a choice the outlet makes now)
    r"(?:" + v.OUTLET_SUBJECTS + r")(?: will| shall|[’']ll| are going to| are| have chosen to|"
    r" chose to| decided to| have decided to) "
    + v.NAMING_VERBS
    + r"(?: (?:him|her|them))?(?: as)?",
    # the writer in the first person: "I will refer to her as X", "I'll call him X"
    r"(?<![\w’'-])(?-i:I)(?: will| shall|[’']ll| am going to| have chosen to| chose to| decided to)"
    r" " + v.NAMING_VERBS + r"(?: (?:him|her|them))?(?: as)?",
    r"(?:we have |we've |we )?(?:given|gave|give) (?:him|her|them) the (?:name|pseudonym)",
    # "a pseudonym has been used for X", "the alias is used to refer to X"
    r"(?:a |the )?" + _ALIAS + r" (?:has been|have been|is being|are being|is|are|was|were) used"
    r" (?:for|to (?:refer to|identify|protect))",
    r"(?:using|uses|used|use|with|given|chose|chosen|adopted|took|takes) (?:the |a )?"
    + _ALIAS
    + r"(?: of)?",
    r"(?:the |a |his |her |their |whose )?(?:"
    + _ALIAS
    + r"|nickname for this (?:article|report|story))(?: is| was)?",
    # "identified only as X", "known here as X"; but "widely known as X" is a public nickname.
    r"(?:identified|referred to)(?: here| in this (?:article|report|story|piece))? (?:only )?"
    r"(?:as|by the name)",
    r"(?:known|described|named|called)(?: here| in this (?:article|report|story|piece)| only)+ "
    r"(?:as|by the name)",
    r"asked to be (?:identified|called|named|referred to|known) (?:here )?(?:only )?"
    r"(?:as|by the name)",
    r"(?:goes|go|went|going) by (?:the name )?",
    # a name the person gave themselves: "a man calling himself X", "who identified herself only
    # as X"; a plain "identified himself as X" may be the real name, so it declares nothing.
    r"(?:calling|calls|called|call|styling|styles|styled|dubbing|dubbed) (?:him|her|them)sel(?:f|ves)"
    r"(?: only)?(?: as)?",
    r"(?:identif(?:y|ies|ied|ying)|introduc(?:e|es|ed|ing)|gave|giv(?:e|es|ing)) (?:him|her|them)"
    r"sel(?:f|ves) (?:only as|by (?:the|a) (?:nick|code |pseudo |assumed )?name)",
    r"(?:gave|giv(?:e|es|ing)) (?:his|her|their) name (?:only )?as",
    r"(?:prefers?|preferred|asked|wants|wanted) to (?:go|be known|be called) by (?:the name )?",
)
BEFORE_RE = re.compile(
    r"(?<![\w’'-])(?i:"  # a clause starts at a word start: the other positions fail at once
    + "|".join(f"(?:{d})" for d in DECLARATIONS_BEFORE)
    + r")(?:,?\s+|\s*\(\s*)"
    + OPEN_QUOTE
    + r"?"
    + NAME
)
AFTER_RE = re.compile(
    NAME
    + r"[”\"'’]?,?[”\"'’]?\s*[(,—–]?\s*(?i:(?:as|what|which|whom) (?:"
    + v.OUTLET_SUBJECTS
    + r") (?:(?:is|are|will|shall|has|have|had) )?(?:been |chosen to |decided to )?"
    + v.NAMING_VERBS
    + r"(?: (?:him|her|them))?)(?![\w-])"
)
"""The naming clause after the name: "“X,” as the paper is calling him, said ..."."""
_MORE_RE = re.compile(r"[”\"'’]?\s*,?\s*(?:and|or|,)\s+" + OPEN_QUOTE + r"?" + NAME)

FOOTNOTE_RE = re.compile(
    r"(?m)(?:^|(?<=[.!?] ))[\s>_(]*(?:\\?\*|†|‡)\)?[^\n]{0,80}?(?:\b[Nn]ames?\b[^\n]{0,60}\b"
    r"(?:changed|withheld|altered|pseudonyms?)|[Pp]seudonym|[Nn]ot (?:his|her|their) real name|"
    r"identit(?:y|ies)\b[^\n]{0,40}\b(?:protect|conceal|hid))"
)
"""A footnote line opened by its mark ("* Names have been changed")."""
MARKED_RE = re.compile(
    r"(?i:\b(?:names?|people|those|sources?)\b[^.\n]{0,30}?\b(?:marked|followed|indicated|denoted)"
    r" (?:with|by) (?:an? )?(?:asterisks?|stars?|\*)|\basterisk(?:ed)? names?|\bstarred names?)"
)
"""The declaration says what the mark means, so it holds even where the mark at the start of the
footnote line was read as Markdown list syntax and dropped."""
NAME_STAR_RE = re.compile(NAME + r"(?:’s|'s)?(?:\\?\*(?!\*)|[†‡](?![†‡]))")


def names_after(text: str) -> dict[tuple[int, int], str]:
    """Names introduced by a naming clause, with the reason."""
    found: dict[tuple[int, int], str] = {}
    for match in BEFORE_RE.finditer(text):
        span = clean_span(text, match.start("name"), match.end("name"))
        if span:
            found.setdefault(span, "declared as a pseudonym before the name")
        _more_names(text, match.end(), found)
    for match in AFTER_RE.finditer(text):
        span = clean_span(text, match.start("name"), match.end("name"))
        if span:
            found.setdefault(span, "declared as a pseudonym after the name")
    return found


def _more_names(text: str, pos: int, found: dict[tuple[int, int], str]) -> None:
    """Further names of one naming clause ("... call “X” and “Y”"), each right after the last."""
    for _ in range(8):
        match = _MORE_RE.match(text, pos)
        if match is None:
            return
        span = clean_span(text, match.start("name"), match.end("name"))
        if span:
            found.setdefault(span, "declared as a pseudonym before the name (in a list)")
        pos = match.end()


def starred_names(text: str, declared_elsewhere: bool) -> dict[tuple[int, int], str]:
    """Names marked "X*" when a footnote, or a declaration of what the mark means, exists."""
    if not (declared_elsewhere or FOOTNOTE_RE.search(text) or MARKED_RE.search(text)):
        return {}
    found: dict[tuple[int, int], str] = {}
    for match in NAME_STAR_RE.finditer(text):
        span = clean_span(text, match.start("name"), match.end("name"))
        if span:
            found.setdefault(
                span, "name marked with an asterisk and a footnote saying it was changed"
            )
    return found
