"""Compiled regexes of the anonymous-source recognizer (compiled once per process) and the
anonymity cue finder, which runs the costly cue regex only in windows around cue keywords."""

from __future__ import annotations

import re

from recognizers.anonymous_source.vocabulary import (
    ANONYMITY_CUE_PATTERNS,
    ASSOCIATE_NOUNS,
    COUNTRIES,
    FAMILY_NOUNS,
    JOB_NOUNS,
    LARGE_CITIES,
    PLACE_WORDS,
    REGIONS,
    UNIT_NAME_WORDS,
    WORKPLACE_NOUNS,
)

_SUBST = {
    "pron": r"(?:he|she|they|him|her|them)",
    "poss": r"(?:his|her|their)",
    "name": r"(?:(?:real|full|last|family)\s+)?(?:names?|identit(?:y|ies)|surnames?)",
    "neg": r"(?:not|never|n[’']t)",
    "be_gone": (
        r"(?:used|published|given|disclosed|revealed|printed|mentioned|made\s+public|released"
        r"|quoted)"
    ),
}
_DIRECTIONS = r"(?:east|west|north|south|eastern|western|northern|southern|central|old\s+city\s+of"
_DIRECTIONS += r"|outskirts\s+of|suburbs\s+of|north-east|north-west|south-east|south-west)"
NUMBER_WORDS = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
    r"|thirty|forty|fifty|several|many|a\s+few|few|some|about\s+\d+|nearly\s+\d+|almost\s+\d+"
    r"|more\s+than\s+\d+|over\s+\d+)"
)


def _alt(items: tuple[str, ...] | frozenset[str], escape: bool = True) -> str:
    ordered = sorted(items, key=len, reverse=True)
    parts = [re.escape(i).replace(r"\ ", r"\s+") if escape else i for i in ordered]
    return "(?:" + "|".join(parts) + ")"


def _expand(pattern: str) -> str:
    """Fill the {pron}/{poss}/{name}/... placeholders of a cue pattern (quantifiers untouched)."""
    return re.sub(r"\{([a-z_]+)\}", lambda m: _SUBST.get(m.group(1), m.group(0)), pattern)


CUE_RE = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(f"(?:{_expand(p)})" for p in ANONYMITY_CUE_PATTERNS)
    + r")(?![\w-])",
    re.IGNORECASE,
)
CUE_KEYWORDS: tuple[str, ...] = (
    "anonym", "name", "naming", "identi", "authori", "permitted", "allowed", "cleared",
    "entitled", "empowered", "background", "record", "attribution", "fear", "withh",
)  # fmt: skip
"""Every cue contains one of these: the full cue regex only runs in windows around them."""
_CUE_WINDOW = 220


def find_cues(text: str) -> list[re.Match[str]]:
    """Anonymity cue matches in text order; linear, with the costly regex run only near keywords."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters change length when lower-cased
        return list(CUE_RE.finditer(text))
    hits: list[int] = []
    for word in CUE_KEYWORDS:
        i = lowered.find(word)
        while i >= 0:
            hits.append(i)
            i = lowered.find(word, i + len(word))
    windows: list[list[int]] = []
    for k in sorted(hits):
        ws, we = max(0, k - _CUE_WINDOW), min(len(text), k + _CUE_WINDOW)
        if windows and ws <= windows[-1][1]:
            windows[-1][1] = we
        else:
            windows.append([ws, we])
    out: list[re.Match[str]] = []
    last_end = -1
    for ws, we in windows:
        for m in CUE_RE.finditer(text, ws, we):
            if m.start() >= last_end:
                out.append(m)
                last_end = m.end()
    return out


_WORD_RE = re.compile(r"[\w’'][\w’'-]*")
_LEAD_JUNK_RE = re.compile(
    r"(?:\s|<[^>]*>|&[a-z]+;|[-*>#•“\"‘'(\[_|=+~]|\d+\.\s)*"
    r"(?:[A-Z][A-Z .,’'-]{2,40}?\s*(?:\([^)]{1,40}\)\s*)?(?:—|–|&mdash;|--|-)\s+)?"
)
_QUOTE_RE = re.compile(r"“[^”]*”|\"[^\"\n]*\"|&ldquo;.*?&rdquo;")
_HARD_BOUNDARY_RE = re.compile(
    r"\n[ \t]*\n|\n(?=[ \t]*(?:[#>*+-]|\d+\.)\s)|</?(?:p|div|li|ul|ol|h[1-6]|blockquote|br|tr|td|th"
    r"|table|figcaption|figure|article|section|header|footer|aside)\b[^>]*>",
    re.IGNORECASE,
)
_TRAILING_JUNK_RE = re.compile(r"(?:\s|<[^<>]*>|[#>*+|_-])*$")
_SENT_END_RE = re.compile(r"[.!?][”\"’)\]]*\s+|\n\s*\n")
_AGE_LIKE_RE = re.compile(r"^\d+(?:-year-old|-years-old|s)?$|year-old$", re.IGNORECASE)
_CAPW = (
    r"(?:(?:al|el|ad|ash|as|at|ar|az|an|ed|es|ul|a|e)[-‑])?[A-Z\u00C0-\u00DE][\w\u00C0-\u024F’'‑-]*"
)
_PARTICLE = r"(?:al|el|ad|ash|as|at|ar|az|an|ed|es|ul|bin|ibn|e|de|du)"
_PLACE_NAME = rf"(?-i:{_CAPW}(?:\s+{_CAPW}|\s+{_PARTICLE}[-\s]{_CAPW}){{0,3}})"
_PLACE_WORDS_ALT = _alt(PLACE_WORDS)
_LARGE = COUNTRIES + LARGE_CITIES + REGIONS
_LARGE_SET = frozenset(p.casefold() for p in _LARGE)
_CITY_ALT = _alt(LARGE_CITIES)
PLACE_WITH_WORD_RE = re.compile(
    rf"(?<![\w-])(?P<p>{_PLACE_NAME})\s+(?P<w>{_PLACE_WORDS_ALT})(?![\w-])"
)
PLACE_AFTER_PREP_RE = re.compile(
    rf"(?<![\w-])(?:in|from|near|outside|inside|around|of)\s+(?:the\s+)?(?P<p>{_PLACE_NAME})(?![\w-])"
)
PLACE_WORD_OF_RE = re.compile(
    rf"(?<![\w-])(?:village|town|hamlet|neighbourhood|neighborhood|district|camp|township|suburb"
    rf"|quarter|area)\s+(?:of|called|named)\s+(?P<p>{_PLACE_NAME})(?![\w-])"
)
_MEMBER_OF_RE = re.compile(
    r"(?:member|fighter|commander|officer|official|employee|staff|ranks|leader|militant|soldier"
    r"|recruit|volunteer|worker|cadre|operative|part)s?\s+of\b",
    re.IGNORECASE,
)
PLACE_NUMBERED_RE = re.compile(
    r"(?<![\w-])(?:Ward|Block|Sector|Zone|Camp|Quarter|Street|Kebele|Woreda|Microdistrict|District"
    r"|Building|Tower|Village|Unit|Area|Phase)\s+(?:No\.?\s*)?\d+[A-Za-z]?(?![\w-])"
)
PLACE_VAGUE_RE = re.compile(
    r"(?<![\w-])(?:the\s+same|a\s+nearby|a\s+small|a\s+remote|a\s+border|a\s+mountain|a\s+frontline"
    r"|a\s+front-line|a\s+rural)\s+(?:village|town|neighbourhood|neighborhood|district|camp|street"
    r"|hamlet|settlement)(?:\s+(?:near|outside|north\s+of|south\s+of|east\s+of|west\s+of)\s+"
    rf"{_PLACE_NAME})?(?![\w-])",
    re.IGNORECASE,
)
PLACE_DIRECTION_CITY_RE = re.compile(
    rf"(?<![\w-]){_DIRECTIONS}\s+(?:the\s+)?{_CITY_ALT}(?![\w-])", re.IGNORECASE
)
AGE_RE = re.compile(
    r"(?<![\w-])(?:\d{1,3}[-‑](?:year|yr)s?[-‑]old|(?:aged|age)\s+\d{1,3}"
    r"|in\s+(?:his|her|their)\s+(?:early\s+|mid[-\s]?|late\s+)?(?:teens|twenties|thirties|forties"
    r"|fifties|sixties|seventies|eighties|nineties|\d0s)|teenage|teenager|adolescent)(?![\w-])",
    re.IGNORECASE,
)
AGE_COMMA_RE = re.compile(r"(?<=[A-Za-z]),\s+(?P<a>\d{1,2})(?=,|$|\s+(?:who|from|of)\b)")
TIME_RE = re.compile(
    rf"(?<![\w-])(?:for\s+(?:the\s+(?:past|last)\s+)?{NUMBER_WORDS}\s+(?:days?|weeks?|months?|years?"
    r"|decades?)|since\s+(?:\d{4}|last\s+\w+|the\s+(?:start|beginning|end)\s+of\s+\w+)"
    r"|(?:left|quit|joined|deserted|defected\s+from|retired\s+from|resigned\s+from|fled|was\s+"
    r"dismissed\s+from|was\s+discharged\s+from)\s+(?:the\s+|his\s+|her\s+|their\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:service|army|police|forces?|job|post|unit|military|ministry|militia"
    r"|group|brigade|battalion|regiment|prison|colony|force)(?:\s+(?:last\s+\w+|this\s+\w+"
    r"|in\s+\d{4}|\w+\s+(?:years?|months?)\s+ago))?"
    rf"|{NUMBER_WORDS}\s+(?:days?|weeks?|months?|years?)\s+ago"
    r"|(?:in|since|until)\s+(?:(?:early|late|mid-?)\s*)?(?:(?:January|February|March|April|May|June"
    r"|July|August|September|October|November|December)\s+)?(?:19|20)\d\d)(?![\w-])",
    re.IGNORECASE,
)
_FAMILY_ALT = _alt(FAMILY_NOUNS)
_ASSOC_ALT = _alt(ASSOCIATE_NOUNS)
_CLAUSE_END = r"(?=\s*(?:[,.;:!?()“”\"<]|$|\s-\s|\s—|\sand\s+(?:who|whose|now|also)\b))"
_QUANT = r"(?:(?:one|two|three|four|five|six|several|some|all|both|many|most|none|each)\s+of\s+)"
_FAMILY_MODS = (
    r"(?:(?:elder|eldest|older|oldest|younger|youngest|only|late|ex-|estranged|teenage|adult|infant"
    r"|baby|two|three|four|five|six|own|other|step-|\d+-year-old|little|big)\s+){0,2}"
)
FAMILY_CLAUSE_RE = re.compile(
    rf"(?<![\w-])(?P<q>{_QUANT}?)(?P<poss>whose|his|her|their)\s+{_FAMILY_MODS}"
    rf"(?P<n>{_FAMILY_ALT}|{_ASSOC_ALT})(?:s|es)?(?![\w’'-])(?P<rest>[^,.;:!?()“”\"<\n]{{0,120}}?)"
    + _CLAUSE_END,
    re.IGNORECASE,
)
_CHILDREN = r"(?:children|sons|daughters|kids|boys|girls)"
PARENT_OF_RE = re.compile(
    r"(?<![\w-])(?:mother|father|parent|grandmother|grandfather|grandparent)\s+of\s+"
    r"(?:one\s+of\s+the\s+[\w-]+"
    r"|(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|many|twins)"
    rf"(?:\s+(?:young\s+)?{_CHILDREN})?"
    rf"|\w+\s+{_CHILDREN})"
    r"|(?<![\w-])(?:widow|widower|orphan)(?![\w-])",
    re.IGNORECASE,
)
RELATION_OF_RE = re.compile(
    r"(?<![\w-])(?P<n>son|daughter|brother|sister|cousin|uncle|aunt|nephew|niece|wife|husband"
    r"|mother|father|grandson|granddaughter|relative|friend|colleague|neighbour|neighbor"
    r"|classmate|brother-in-law|sister-in-law)\s+of\s+(?:(?:an?|the|one\s+of\s+the)\s+"
    r"[\w’'-]+(?:\s+(?!(?:who|whose|which|said|told|spoke|and|in|from|at|near)\b)[\w’'-]+){0,2}"
    r"|(?-i:" + _PLACE_NAME + r"))",
    re.IGNORECASE,
)
"""'the brother of a detained activist', 'a cousin of <Name>': a link to someone identifiable."""
WHOSE_OTHER_RE = re.compile(
    rf"(?<![\w-])whose\s+(?!{_FAMILY_ALT}|{_ASSOC_ALT}|names?\b|identity\b|real\b|full\b)"
    rf"(?P<c>[\w’'-]+[^,.;:!?()“”\"<\n]{{0,100}}?)" + _CLAUSE_END,
    re.IGNORECASE,
)
_PRED_FAMILY_VERBS = (
    r"(?:is|are|was|were|has|have|had|remains?|remained|lives?|lived|works?|worked|serves?|served"
    r"|still|also|now|fled|died|disappeared|went|joined|fights?|fought|stays?|stayed|"
    r"(?:was|were|had\s+been|has\s+been|have\s+been)\s+\w+)"
)
WORK_CLAUSE_RE = re.compile(
    r"(?<![\w-])(?:(?:now|also|still|currently|previously|once)\s+)?(?:works?|worked|working"
    r"|employed|serves?|served|serving|volunteers?|volunteered|teaches|taught|trained)\s+"
    r"(?:as|for|at|in|with|on)\s+[^,.;:!?()“”\"<\n]{1,90}?" + _CLAUSE_END,
    re.IGNORECASE,
)
REL_JOB_CLAUSE_RE = re.compile(
    r"(?<=\bwho\s)(?:(?:now|also|still|once|currently|previously|used\s+to)\s+)?(?P<c>(?:runs|ran"
    r"|owns|owned|manages|managed|heads|headed|leads|led|commands|commanded|represents"
    r"|represented|teaches|taught|drives|drove|sells|sold|operates|operated|trains|trained"
    r"|treats|treated|repairs|fixes|cooks|bakes|guards|guarded|staffs|staffed|delivers"
    r"|delivered|smuggles|smuggled|supplies|supplied|studies|studied)\s+"
    r"[^,.;:!?()“”\"<\n]{1,100}?)" + _CLAUSE_END,
    re.IGNORECASE,
)
DETENTION_RE = re.compile(
    r"(?<![\w-])(?:he|she|they|i)\s+(?:had\s+|has\s+|have\s+|was\s+|were\s+)?"
    r"(?:(?:been|previously|once|twice|briefly|also)\s+){0,2}(?P<e>(?:detained|arrested|imprisoned"
    r"|jailed|held|abducted|tortured|interrogated|kidnapped|summoned)(?:\s+(?:for\s+"
    rf"{NUMBER_WORDS}\s+(?:days?|weeks?|months?|years?)|in\s+\d{{4}}|last\s+\w+|twice"
    r"|three\s+times|several\s+times))?)(?![\w-])",
    re.IGNORECASE,
)
WORKPLACE_RE = re.compile(
    r"(?<![\w-])(?:at|for|with|in|from|of|on)\s+(?:(?:a|an|the|one\s+of\s+the|his|her|their|its)\s+)?"
    r"(?:[\w’'-]+\s+){0,3}?" + _alt(WORKPLACE_NOUNS, escape=False) + r"s?"
    rf"(?:\s+(?:in|of|near|outside)\s+(?:the\s+)?{_PLACE_NAME}(?:\s+{_PLACE_WORDS_ALT})?)?(?![\w-])",
    re.IGNORECASE,
)
_WORKPLACE_AFTER_RE = re.compile(r"\s+" + _alt(WORKPLACE_NOUNS, escape=False) + r"s?\b", re.I)
UNIT_NAME_RE = re.compile(
    rf"(?<![\w-])(?:\d+(?:st|nd|rd|th)\s+|{_CAPW}\s+(?:{_CAPW}\s+){{0,2}})"
    + _alt(UNIT_NAME_WORDS)
    + r"(?:\s+\d+)?(?![\w-])|(?<![\w-])(?:Branch|Brigade|Battalion|Division|Unit|Regiment|Corps)"
    r"\s+\d+(?![\w-])"
)
JOB_HEAD_RE = re.compile(
    r"(?<![\w’'-])(?P<h>" + _alt(JOB_NOUNS) + r")(?:s|es)?(?![\w’'-])", re.IGNORECASE
)
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})
_CONJUNCTIONS = frozenset({"and", "or", "but", "nor"})
_APPOSITION_OPENERS = frozenset(
    "who whose which a an one aged himself herself themselves originally formerly now also".split()
)
_CLAUSE_OPENERS = frozenset(
    "but and yet so however meanwhile still also now then instead separately later".split()
)
_ADVERBS = frozenset({"now", "also", "still", "then", "later", "once", "currently", "previously"})
RISK_HIGH_MIN_KINDS = 3
QUASI_KINDS: tuple[str, ...] = ("place", "unit", "job", "age", "time", "family", "other")
ANONYMOUS_SOURCE_SCORE = 0.85
QUASI_SCORE = 0.7
_CUE_VOCABULARY = frozenset(
    w for p in ANONYMITY_CUE_PATTERNS + tuple(_SUBST.values()) for w in re.findall(r"[a-z]{2,}", p)
) | frozenset(
    """authorised authorized unauthorised unauthorized identity identities names surnames
    conditions withheld didn't doesn't don't wouldn't won't can't couldn't""".split()
)


def _cue_label(cue: str) -> str:
    """The cue for reasons, with any word outside the cue vocabulary (an outlet, a name) elided."""
    words = [w if w in _CUE_VOCABULARY else "…" for w in re.findall(r"[\w’'-]+", cue.lower())]
    return re.sub(r"(?:… )+…", "…", " ".join(words))
