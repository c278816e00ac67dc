"""An editor's decisions about the people in a draft: a corrected role and/or keep/replace.

Stage between "identities and roles" and "policy decisions". The engine found P2 and called
them a public figure; the editor knows better ("at risk: she left the ministry and fled") or
the engine flagged a street name as a person ("not a person"). A decision applies to every
mention of the identity, needs a reason, and is audited by fingerprint only.

A decision is keyed by the identity's **anchor**: a keyed digest of the person's longest
mention (the caller supplies the function; the web page uses the audit fingerprint). Identity ids (P1, P2...) are renumbered whenever the draft changes, an anchor is not,
so a decision made while the editor keeps typing follows the person, and waits (unapplied) while
the name is not in the draft, e.g. half-typed.

Placeholders keep their role word unless the role changed: "replace" for someone the policy
already replaces changes nothing; only someone the policy keeps becomes "[withheld name A]".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from policies.loader import CHANGING_ACTIONS, Policy, Rule
from recognizers.entities import AT_RISK_SOURCE, PERSON_TYPES, PSEUDONYM, PUBLIC_FIGURE
from service.core.findings import Finding

NOT_A_PERSON = "NOT_A_PERSON"
ROLE_CHOICES: dict[str, str] = {
    "not-person": NOT_A_PERSON,
    "public": PUBLIC_FIGURE,
    "pseudonym": PSEUDONYM,
    "at-risk": AT_RISK_SOURCE,
}
"""Form value → corrected entity type."""
ROLE_WORDS: dict[str, str] = {
    NOT_A_PERSON: "not a person",
    PUBLIC_FIGURE: "public figure",
    PSEUDONYM: "pseudonym",
    AT_RISK_SOURCE: "at risk",
}
ACTION_CHOICES: dict[str, str] = {"keep": "keep the name", "redact": "replace with a placeholder"}
WITHHELD_LABEL = "withheld name"


@dataclass(frozen=True)
class Decision:
    """What an editor chose for one person (``role`` and/or ``action``), and why."""

    anchor: str
    role: str | None = None  # a value of ROLE_CHOICES
    action: str | None = None  # a key of ACTION_CHOICES
    reason: str = ""
    remember: bool = False  # newsroom-wide: always public / always protect


@dataclass
class Applied:
    """One decision as bound to the current draft (for the view and the audit record)."""

    decision: Decision
    identity: str
    found_as: str  # the entity type the engine gave, before the correction
    mentions: int
    name: str  # the longest mention: never leaves the request (audit keeps its fingerprint)


@dataclass
class EditorStage:
    """The engine's hook between identities and the policy (see ``Engine.screen``).

    After the call, ``applied`` lists the decisions that matched a person in this draft and
    ``waiting`` those whose person is not (or no longer) in it.
    """

    decisions: Mapping[str, Decision]
    anchor_of: Callable[[str], str]  # name → anchor (a keyed digest, made by the caller)
    applied: list[Applied] = field(default_factory=list)
    waiting: list[Decision] = field(default_factory=list)
    anchors: dict[str, str] = field(default_factory=dict)  # identity id → anchor (every person)
    names: dict[str, str] = field(default_factory=dict)  # identity id → longest mention

    def __call__(
        self, text: str, findings: list[Finding], policy: Policy
    ) -> tuple[list[Finding], dict[str, Rule]]:
        self.names = longest_mentions(text, findings)
        self.anchors = {i: self.anchor_of(name) for i, name in self.names.items()}
        by_anchor: dict[str, list[str]] = {}
        for identity, a in self.anchors.items():
            by_anchor.setdefault(a, []).append(identity)
        found = {f.identity: f.entity_type for f in findings if f.entity_type in PERSON_TYPES}
        counts: dict[str, int] = {}
        for f in findings:
            if f.identity in found:
                counts[f.identity] = counts.get(f.identity, 0) + 1
        self.applied, self.waiting = [], []
        chosen: dict[str, Decision] = {}
        for a, decision in self.decisions.items():
            identities = by_anchor.get(a, [])
            if not identities:
                self.waiting.append(decision)
            for identity in identities:
                chosen[identity] = decision
                self.applied.append(
                    Applied(
                        decision,
                        identity,
                        found[identity],
                        counts[identity],
                        self.names[identity],
                    )
                )
        self.applied.sort(key=lambda a: _id_order(a.identity))
        kept = relabel(findings, chosen)
        return kept, rules_for(kept, chosen, policy)


def _id_order(identity: str) -> tuple[int, str]:
    digits = identity[1:]
    return (int(digits) if digits.isdigit() else 0, identity)


def longest_mentions(text: str, findings: list[Finding]) -> dict[str, str]:
    """identity → its longest mention (the first of equal length): what the anchor is made of."""
    out: dict[str, str] = {}
    for f in findings:
        if f.identity is None or f.entity_type not in PERSON_TYPES:
            continue
        mention = " ".join(text[f.start : f.end].split())
        if len(mention) > len(out.get(f.identity, "")):
            out[f.identity] = mention
    return out


def relabel(findings: list[Finding], chosen: Mapping[str, Decision]) -> list[Finding]:
    """Every mention of a corrected person gets the corrected role; "not a person" is dropped."""
    out = []
    for f in findings:
        decision = chosen.get(f.identity or "") if f.entity_type in PERSON_TYPES else None
        role = decision.role if decision else None
        if role == NOT_A_PERSON:
            continue
        if role is not None and role != f.entity_type:
            f.reasons.insert(0, f"editor corrected the role to {ROLE_WORDS[role]}")
            f.entity_type = role
        out.append(f)
    return out


def rules_for(
    findings: list[Finding], chosen: Mapping[str, Decision], policy: Policy
) -> dict[str, Rule]:
    """identity → the rule an editor's keep/replace choice stands for.

    "Replace" keeps the policy's own rule when that already changes the text (the placeholder
    keeps its role word); only a name the policy would keep becomes "[withheld name A]".
    """
    rules: dict[str, Rule] = {}
    for f in findings:
        decision = chosen.get(f.identity or "")
        if decision is None or decision.action is None or f.identity in rules:
            continue
        if decision.action == "keep":
            rules[f.identity] = Rule("keep")  # type: ignore[index]
            continue
        own = policy.rule_for(f.entity_type, f.risk)
        changing = own.action in CHANGING_ACTIONS
        rules[f.identity] = own if changing else Rule("placeholder", label=WITHHELD_LABEL)  # type: ignore[index]
    return rules
