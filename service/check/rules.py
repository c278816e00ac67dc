"""Rule ids, levels and the mapping from engine findings to rule violations.

Ids are stable: baselines, suppressions and SARIF consumers refer to them. A violation carries
where it is and what kind of person or detail it is, never the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from recognizers.entities import (
    ANONYMOUS_SOURCE,
    AT_RISK_SOURCE,
    CITIZEN_JOURNALIST,
    EMAIL_ADDRESS,
    PERSON,
    PHONE_NUMBER,
    PROTECTED_SOURCE,
    PSEUDONYM,
    PUBLIC_FIGURE,
    SOCIAL_HANDLE,
)

UNCERTAIN_ROLE = "SG006"
"""A kept person whose role decision the engine marked for review."""

LEVELS = ("warning", "error")


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    level: str  # "error" | "warning"
    summary: str  # one line, for SARIF shortDescription and text output
    help: str  # what the editor should do, for SARIF help and the README
    entity_types: tuple[str, ...]


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule(
            "SG001",
            "protected-source",
            "error",
            "A person on the newsroom's protected-source roster is named.",
            "The newsroom promised never to name this person. Replace every mention (the publish "
            "policy uses a placeholder such as [protected source A]) or remove the passage.",
            (PROTECTED_SOURCE,),
        ),
        Rule(
            "SG002",
            "at-risk-name",
            "error",
            "A citizen journalist or other at-risk source is named.",
            "Residents, activists, medics, citizen journalists and other at-risk sources quoted "
            "from places of conflict or repression must not be named unless they agreed in a "
            "way the desk has recorded. Use a placeholder or a declared pseudonym, or suppress "
            "with a reason an editor can review.",
            (CITIZEN_JOURNALIST, AT_RISK_SOURCE),
        ),
        Rule(
            "SG003",
            "unclassified-person",
            "warning",
            "A person is named whose role the engine could not classify.",
            "Check whether this person is a public figure on the record (keep) or a source who "
            "could be at risk (replace). Adding a title or role usually lets the engine decide.",
            (PERSON,),
        ),
        Rule(
            "SG004",
            "jigsaw-risk",
            "warning",
            "An anonymous source is described with details that could re-identify them.",
            "Combined details (district, job, age, family, unit, dates) can identify an unnamed "
            "source to a security service. Generalize or drop some of them.",
            (ANONYMOUS_SOURCE,),
        ),
        Rule(
            "SG005",
            "contact-detail",
            "error",
            "A phone number, e-mail address or social-media handle appears in the draft.",
            "Contact details of sources identify them directly. Remove them before publishing.",
            (PHONE_NUMBER, EMAIL_ADDRESS, SOCIAL_HANDLE),
        ),
        Rule(
            "SG006",
            "uncertain-role",
            "warning",
            "A person is kept although the engine is not sure of their role.",
            "The engine kept this person (public figure or declared pseudonym) against "
            "conflicting or weak evidence. Check that they are on the record or that the name "
            "is really not their own before publishing.",
            (),
        ),
    )
}

RULE_BY_TYPE: dict[str, Rule] = {t: r for r in RULES.values() for t in r.entity_types}
JIGSAW_MIN_RISK = ("medium", "high")
"""An anonymous source is a violation only when its details make re-identification plausible."""

ROLE_LABELS: dict[str, str] = {
    PROTECTED_SOURCE: "protected source",
    PSEUDONYM: "declared pseudonym",
    PUBLIC_FIGURE: "public figure",
    CITIZEN_JOURNALIST: "citizen journalist",
    AT_RISK_SOURCE: "at-risk source",
    PERSON: "unclassified person",
    ANONYMOUS_SOURCE: "anonymous source",
    PHONE_NUMBER: "phone number",
    EMAIL_ADDRESS: "e-mail address",
    SOCIAL_HANDLE: "social-media handle",
}


@dataclass
class Violation:
    """One rule violation at one place in one file. Holds no text from the file."""

    path: str  # as reported: relative to the working directory, "/" separators; "-" for stdin
    rule: str  # rule id, e.g. "SG002"
    level: str
    line: int  # 1-based
    column: int  # 1-based, in Unicode code points
    end_line: int
    end_column: int  # 1-based, exclusive
    entity_type: str
    role: str
    fingerprint: str  # keyed HMAC of the normalized value ("hmac-sha256:...")
    identity: str | None = None  # P1, S1, ... within this file
    risk: str | None = None  # jigsaw risk for SG004
    suppressed: str | None = None  # None, "inline" or "baseline"
    details: list[str] = field(default_factory=list)  # kinds of quasi-identifiers for SG004
    review: bool = False  # the engine's role decision has low confidence

    @property
    def rule_name(self) -> str:
        return RULES[self.rule].name

    def message(self) -> str:
        """A sentence for people: the role and what to check, never the name."""
        who = self.role + (f" {self.identity}" if self.identity else "")
        if self.rule == "SG004":
            kinds = " + ".join(self.details) if self.details else "identifying details"
            return f"{who} described with {kinds} (jigsaw risk {self.risk or 'unknown'})"
        if self.rule == "SG005":
            return f"{self.role} in the draft"
        if self.rule == "SG003":
            return f"{who} named; check whether this person is at risk"
        if self.rule == "SG006":
            return f"{who} kept with low confidence; check the role"
        if self.review:
            return f"{who} named (low confidence; check the role)"
        return f"{who} named"

    def to_dict(self) -> dict[str, Any]:
        # A shallow copy: ``asdict``'s recursive deep copy was half of a warm check's report.
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["details"] = list(self.details)
        if not out["review"]:
            out.pop("review")
        out["rule_name"] = self.rule_name
        out["message"] = self.message()
        return {k: v for k, v in out.items() if v not in (None, [])}


def level_at_least(level: str, threshold: str) -> bool:
    return LEVELS.index(level) >= LEVELS.index(threshold)
