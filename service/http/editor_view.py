"""What the editor page shows of one screening: the marked-up draft, the people, the summary line.

Pure functions from a ``ScreeningResult`` (and the editor's decisions) to plain data the
templates render; no Flask here, so each piece is tested on its own. The draft view is a tree:
a quasi-identifier inside an anonymous source's description is a mark inside that source's
mark, so the source carries one tag for its whole span and each detail its own.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

from recognizers.entities import (
    ANONYMOUS_SOURCE,
    AT_RISK_SOURCE,
    CITIZEN_JOURNALIST,
    EMAIL_ADDRESS,
    PERSON,
    PERSON_TYPES,
    PHONE_NUMBER,
    PROTECTED_SOURCE,
    PSEUDONYM,
    PUBLIC_FIGURE,
    QUASI_IDENTIFIER,
    SOCIAL_HANDLE,
)
from service.core.findings import Finding, ScreeningResult
from service.pipeline.corrections import NOT_A_PERSON, Applied, Decision


@dataclass(frozen=True)
class Kind:
    key: str  # data-kind value and CSS class
    label: str
    tag: str  # short visible label: colour is never the only signal
    description: str


KINDS: tuple[Kind, ...] = (
    Kind("protected-source", "roster", "ROSTER", "on the newsroom's protected-source roster"),
    Kind("citizen-journalist", "citizen journalist", "CJ", "citizen journalist or media activist"),
    Kind("at-risk", "at-risk source", "AT RISK", "resident, activist, medic, witness..."),
    Kind("pseudonym", "pseudonym", "PSEUDONYM", "a name the draft declares protective"),
    Kind("public-figure", "public figure", "PUBLIC", "on the record; kept by the policy"),
    Kind("person", "unclassified person", "PERSON?", "a person whose role is unclear"),
    Kind("anonymous-source", "anonymous source", "ANON", "an unnamed source"),
    Kind("quasi-identifier", "quasi-identifier", "DETAIL", "a detail that narrows who it is"),
    Kind("contact", "contact detail", "CONTACT", "phone, e-mail or social handle"),
)
KIND_BY_KEY = {k.key: k for k in KINDS}
NOT_A_PERSON_KIND = Kind("not-person", "not a person", "NOT A PERSON", "corrected by the editor")
KIND_OF_TYPE = {
    PROTECTED_SOURCE: "protected-source",
    CITIZEN_JOURNALIST: "citizen-journalist",
    AT_RISK_SOURCE: "at-risk",
    PSEUDONYM: "pseudonym",
    PUBLIC_FIGURE: "public-figure",
    PERSON: "person",
    ANONYMOUS_SOURCE: "anonymous-source",
    QUASI_IDENTIFIER: "quasi-identifier",
    PHONE_NUMBER: "contact",
    EMAIL_ADDRESS: "contact",
    SOCIAL_HANDLE: "contact",
}
AT_RISK_KINDS = {"protected-source", "citizen-journalist", "at-risk"}
DISPLAY_PRIORITY = {"quasi-identifier": 1, "anonymous-source": 0}
"""Of two findings with the same extent the more specific is shown (persons and contacts: 2)."""
DETAIL_WORDS = {
    "place": "place/district",
    "job": "job",
    "age": "age",
    "family": "family",
    "unit": "unit",
    "time": "date/time",
}
CHANGING = {"placeholder", "redact", "mask", "hash", "encrypt", "generalize"}


def kind_of(finding: Finding) -> Kind:
    return KIND_BY_KEY[KIND_OF_TYPE.get(finding.entity_type, "person")]


# -- the marked-up draft --------------------------------------------------------------------------
@dataclass
class Mark:
    """A piece of the draft: plain text (no finding) or a finding's mark with nested pieces."""

    start: int
    end: int
    text: str = ""  # plain pieces only
    finding: Finding | None = None
    kind: Kind | None = None
    first: bool = True  # False for the rest of a finding split by a crossing one
    uid: int = 0  # unique per mark: the tooltip's id
    children: list[Mark] = field(default_factory=list)


def _priority(f: Finding) -> int:
    return DISPLAY_PRIORITY.get(KIND_OF_TYPE.get(f.entity_type, ""), 2)


def _nesting(findings: list[Finding]) -> list[tuple[int, int, int, bool]]:
    """(start, end, finding index, first piece) in document order, never crossing each other.

    A finding that starts inside another and ends after it is split at the other's end (both
    pieces are marked and tagged); a finding with exactly the extent of a more specific one is
    not shown twice. A heap keeps it O(n log n).
    """
    heap = [(f.start, -f.end, -_priority(f), i, True) for i, f in enumerate(findings)]
    heapq.heapify(heap)
    out: list[tuple[int, int, int, bool]] = []
    open_: list[tuple[int, int]] = []  # (end, start) of the marks containing the position
    while heap:
        start, neg_end, neg_priority, i, first = heapq.heappop(heap)
        end = -neg_end
        while open_ and open_[-1][0] <= start:
            open_.pop()
        if open_ and end > open_[-1][0]:
            split = open_[-1][0]
            heapq.heappush(heap, (split, neg_end, neg_priority, i, False))
            end = split
        if open_ and open_[-1] == (end, start):
            continue
        out.append((start, end, i, first))
        open_.append((end, start))
    return out


def segment(text: str, findings: list[Finding]) -> list[Mark]:
    """The draft as a forest of pieces whose text, read in order, is exactly the draft."""
    root = Mark(0, len(text))
    stack: list[tuple[Mark, list[int]]] = [(root, [0])]  # node and its cursor

    def close() -> None:
        node, cursor = stack.pop()
        if cursor[0] < node.end:
            node.children.append(Mark(cursor[0], node.end, text[cursor[0] : node.end]))

    for uid, (start, end, i, first) in enumerate(_nesting(findings), start=1):
        while stack[-1][0].end <= start and len(stack) > 1:
            close()
        parent, cursor = stack[-1]
        if cursor[0] < start:
            parent.children.append(Mark(cursor[0], start, text[cursor[0] : start]))
        f = findings[i]
        node = Mark(start, end, finding=f, kind=kind_of(f), first=first, uid=uid)
        parent.children.append(node)
        cursor[0] = end
        stack.append((node, [start]))
    while stack:
        close()
    return root.children


def used_kinds(marks: list[Mark]) -> set[str]:
    out: set[str] = set()
    todo = list(marks)
    while todo:
        m = todo.pop()
        if m.kind:
            out.add(m.kind.key)
        todo.extend(m.children)
    return out


# -- people ---------------------------------------------------------------------------------------
@dataclass
class PersonRow:
    id: str
    anchor: str
    kind: Kind
    mentions: int
    action: str
    replacement: str | None
    found_as: Kind | None = None  # the engine's role when the editor corrected it
    decision: Decision | None = None  # what the form holds for this person (valid or not)
    problem: str = ""  # why the form's choice for this person is not applied

    @property
    def kept(self) -> bool:
        return self.action not in CHANGING


def people(
    result: ScreeningResult,
    anchors: dict[str, str],
    applied: list[Applied],
    entered: dict[str, Decision],
    problems: dict[str, str],
) -> list[PersonRow]:
    """One row per person in document order, with the decision the form holds for them."""
    rows: dict[str, PersonRow] = {}
    corrected = {a.identity: a for a in applied}
    for f in result.findings:
        if not f.identity or f.entity_type not in PERSON_TYPES:
            continue
        row = rows.get(f.identity)
        if row is None:
            a = anchors.get(f.identity, "")
            was = corrected.get(f.identity)
            row = rows[f.identity] = PersonRow(
                f.identity,
                a,
                kind_of(f),
                0,
                f.action,
                f.replacement,
                found_as=KIND_BY_KEY[KIND_OF_TYPE[was.found_as]]
                if was and was.found_as != f.entity_type
                else None,
                decision=entered.get(a),
                problem=problems.get(a, ""),
            )
        row.mentions += 1
    for a in applied:  # "not a person": no finding is left, the row stays so it can be undone
        if a.decision.role == NOT_A_PERSON and a.identity not in rows:
            rows[a.identity] = PersonRow(
                a.identity,
                a.decision.anchor,
                NOT_A_PERSON_KIND,
                a.mentions,
                "keep",
                None,
                found_as=KIND_BY_KEY[KIND_OF_TYPE[a.found_as]],
                decision=a.decision,
                problem=problems.get(a.decision.anchor, ""),
            )
    return sorted(rows.values(), key=lambda r: int(r.id[1:]) if r.id[1:].isdigit() else 0)


# -- the summary line -----------------------------------------------------------------------------
def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _kept_replaced(rows: list[PersonRow], one: str, many: str) -> str:
    kept = sum(1 for r in rows if r.kept)
    replaced = len(rows) - kept
    noun = _count(len(rows), one, many)
    if not replaced:
        return f"{noun} kept"
    if not kept:
        return f"{noun} replaced"
    return f"{noun}: {kept} kept, {replaced} replaced"


def summary_line(rows: list[PersonRow], findings: list[Finding]) -> str:
    """ "3 people at risk, 1 pseudonym kept, 2 public figures kept, 1 anonymous source with
    high jigsaw risk": what an editor must know at a glance, most dangerous first."""
    parts: list[str] = []
    at_risk = [r for r in rows if r.kind.key in AT_RISK_KINDS]
    if at_risk:
        text = _count(len(at_risk), "person at risk", "people at risk")
        exposed = sum(1 for r in at_risk if r.kept)
        if exposed:
            text += f" ({exposed} kept as written)"
        parts.append(text)
    for key, one, many in (
        ("person", "unclassified person", "unclassified people"),
        ("pseudonym", "pseudonym", "pseudonyms"),
        ("public-figure", "public figure", "public figures"),
    ):
        group = [r for r in rows if r.kind.key == key]
        if group:
            parts.append(_kept_replaced(group, one, many))
    risks: dict[str, int] = {}
    sources: set[str] = set()
    for f in findings:
        if f.entity_type == ANONYMOUS_SOURCE and (f.identity or f.start) not in sources:
            sources.add(f.identity or str(f.start))
            risks[f.risk or ""] = risks.get(f.risk or "", 0) + 1
    first = True
    for risk in ("high", "medium", "low", ""):
        n = risks.pop(risk, 0)
        if not n:
            continue
        noun = _count(n, "anonymous source", "anonymous sources") if first else str(n)
        parts.append(f"{noun} with {risk} jigsaw risk" if risk else noun)
        first = False
    contacts = sum(1 for f in findings if KIND_OF_TYPE.get(f.entity_type) == "contact")
    if contacts:
        parts.append(_count(contacts, "contact detail", "contact details"))
    not_people = sum(1 for r in rows if r.kind is NOT_A_PERSON_KIND)
    if not_people:
        parts.append(_count(not_people, "name marked not a person", "names marked not a person"))
    if not parts:
        return "No person, anonymous source or contact detail found."
    return ", ".join(parts) + "."


def jigsaw_warnings(findings: list[Finding]) -> list[str]:
    """One plain sentence per anonymous source that carries re-identifying details."""
    details: dict[str, list[str]] = {}
    for f in findings:
        if f.entity_type == QUASI_IDENTIFIER and f.identity:
            word = DETAIL_WORDS.get(f.kind or "", f.kind or "detail")
            if word not in details.setdefault(f.identity, []):
                details[f.identity].append(word)
    out = []
    for f in findings:
        if f.entity_type != ANONYMOUS_SOURCE or not f.identity:
            continue
        kinds = details.get(f.identity, [])
        if not kinds:
            continue
        out.append(
            f"Anonymous source {f.identity} is described with {' + '.join(kinds)} "
            f"(jigsaw risk {f.risk or 'unknown'}). Together these details may identify them; "
            "consider generalizing some."
        )
    return list(dict.fromkeys(out))


# -- errors an editor can act on ------------------------------------------------------------------
UNAVAILABLE = {
    "engine-unavailable": "the screening engine is not loaded",
    "store-unavailable": "the audit log cannot be reached",
    "audit-unavailable": "the audit record could not be written",
    "roster-unavailable": "the protected-source roster cannot be read",
    "policy-unavailable": "the policy cannot be loaded",
    "configuration": "a key the policy needs is not configured",
}
KEPT = "Your draft is still in the box."


def human_error(slug: str, detail: str, max_chars: int) -> str:
    """A sentence that says what went wrong and what to do; never quotes the draft."""
    if slug in UNAVAILABLE:
        return (
            f"Screening is not possible right now: {UNAVAILABLE[slug]}. Nothing was sanitized. "
            f"{KEPT} Try again in a minute; if it keeps failing, tell your administrator."
        )
    if slug == "csrf":
        return (
            "This page's security token has expired (it was open for long, or opened in "
            f"another tab). Nothing was screened. {KEPT} Press Screen again."
        )
    if slug == "unknown-policy":
        return f"There is no policy with that name. Pick one from the list. {KEPT}"
    if slug == "unsupported-file":
        return (
            "Only .txt, .md and .html files can be uploaded. Save the draft in one of these "
            f"formats, or paste its text. {KEPT}"
        )
    if slug == "too-large":
        return (
            f"The draft is too large to send. Screen it in parts of at most {max_chars:,} "
            f"characters. {KEPT}"
        )
    if slug == "invalid-text":
        if "empty" in detail:
            return "The draft is empty. Paste or type the text you want screened, or upload a file."
        if "limit is" in detail:
            return (
                f"The draft is too long: the limit is {max_chars:,} characters. Screen it in "
                f"parts. {KEPT}"
            )
        if "NUL" in detail or "binary" in detail:
            return (
                "That file is not text (a PDF or a word-processor file?). Save the draft as "
                ".txt, .md or .html and upload that, or paste its text."
            )
        if "UTF-8" in detail:
            return (
                "That file is not in the UTF-8 encoding. Save it as UTF-8 (the encoding choice "
                "under Save As in most editors) and upload it again, or paste its text."
            )
    if slug == "roster-conflict":
        return f"Someone changed the roster at the same moment. Press Screen again. {KEPT}"
    return f"The draft could not be screened. Nothing was sanitized. {KEPT}"
