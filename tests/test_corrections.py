"""The editor's stage between identities and policy (service/pipeline/corrections.py), on its own."""

from __future__ import annotations

import pytest

from policies.loader import Rule, load_policy
from service.core.config import policy_dirs
from service.core.findings import Finding
from service.pipeline.corrections import (
    NOT_A_PERSON,
    Decision,
    EditorStage,
    longest_mentions,
    relabel,
    rules_for,
)

TEXT = "Ana Lopes met Dr Ruiz. Lopes left; Ruiz stayed."


def findings() -> list[Finding]:
    return [
        Finding(0, 9, "CITIZEN_JOURNALIST", 0.9, "r", identity="P1"),
        Finding(17, 21, "PUBLIC_FIGURE", 0.9, "r", identity="P2"),
        Finding(23, 28, "CITIZEN_JOURNALIST", 0.9, "r", identity="P1"),
        Finding(35, 39, "PUBLIC_FIGURE", 0.9, "r", identity="P2"),
    ]


def anchor_of(name: str) -> str:
    return name.casefold().replace(" ", "-")  # any stable function of the name will do


def test_longest_mention_names_each_person() -> None:
    assert longest_mentions(TEXT, findings()) == {"P1": "Ana Lopes", "P2": "Ruiz"}


@pytest.mark.parametrize(
    ("role", "expect"),
    [
        ("AT_RISK_SOURCE", ["CITIZEN_JOURNALIST", "AT_RISK_SOURCE"] * 2),
        ("PSEUDONYM", ["CITIZEN_JOURNALIST", "PSEUDONYM"] * 2),
        (NOT_A_PERSON, ["CITIZEN_JOURNALIST", "CITIZEN_JOURNALIST"]),
    ],
)
def test_relabel_changes_every_mention(role: str, expect: list[str]) -> None:
    out = relabel(findings(), {"P2": Decision("ruiz", role=role, reason="r")})
    assert [f.entity_type for f in out] == expect
    if role != NOT_A_PERSON:
        assert all(f.reasons[0].startswith("editor corrected the role") for f in out[1::2])


@pytest.mark.parametrize(
    ("identity", "action", "expect"),
    [
        # The policy replaces citizen journalists already: its own rule, its own role word.
        ("P1", "redact", Rule("placeholder", label="citizen journalist")),
        # The policy keeps public figures: a neutral word, not a false role.
        ("P2", "redact", Rule("placeholder", label="withheld name")),
        ("P1", "keep", Rule("keep")),
    ],
)
def test_replace_keeps_the_role_word(identity: str, action: str, expect: Rule) -> None:
    policy = load_policy("publish", policy_dirs(), allow_paths=False)
    chosen = {identity: Decision("x", action=action, reason="r")}
    rule = rules_for(findings(), chosen, policy)[identity]
    assert (rule.action, rule.label) == (expect.action, expect.label)


def test_stage_binds_by_anchor_and_keeps_the_rest_waiting() -> None:
    policy = load_policy("publish", policy_dirs(), allow_paths=False)
    stage = EditorStage(
        {
            "ruiz": Decision("ruiz", role="AT_RISK_SOURCE", reason="fled"),
            "nobody-here": Decision("nobody-here", action="keep", reason="later"),
        },
        anchor_of,
    )
    out, rules = stage(TEXT, findings(), policy)
    assert [a.identity for a in stage.applied] == ["P2"]
    assert stage.applied[0].found_as == "PUBLIC_FIGURE" and stage.applied[0].mentions == 2
    assert [d.anchor for d in stage.waiting] == ["nobody-here"]
    assert {f.entity_type for f in out if f.identity == "P2"} == {"AT_RISK_SOURCE"}
    assert rules == {}  # a role correction alone leaves the rule to the policy
