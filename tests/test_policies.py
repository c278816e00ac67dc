"""Policy loading: every shipped policy validates, and every kind of broken policy is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policies.loader import (
    ACTIONS,
    POLICY_DIR,
    SCHEMA_PATH,
    Policy,
    PolicyError,
    list_policies,
    load_policy,
)
from recognizers.entities import ALL_TYPES
from service.core.config import policy_dirs

SHIPPED = ["internal", "publish", "review", "strict"]

MINIMAL = """\
name: {name}
version: "2.1.0"
description: test policy
rules:
  PERSON: {{action: placeholder, label: person}}
  QUASI_IDENTIFIER:
    action: flag
    risk:
      high: {{action: generalize, kinds: {{age: "[an age]"}}}}
      medium: {{action: redact, text: "[gone]"}}
default: {{action: flag}}
"""


def write(directory: Path, name: str, body: str) -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _no_env_dirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCEGUARD_POLICY_DIR", raising=False)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_policy_loads_and_covers_every_entity_type(name: str) -> None:
    policy = load_policy(name)
    assert isinstance(policy, Policy)
    assert policy.name == name
    assert policy.version == "1.0.0"
    assert policy.digest.startswith("sha256:") and len(policy.digest) == 7 + 64
    assert set(policy.rules) == set(ALL_TYPES)
    assert policy.description
    info = policy.info()
    assert (info.name, info.version, info.digest) == (name, "1.0.0", policy.digest)
    as_dict = policy.to_dict()
    assert json.loads(json.dumps(as_dict)) == as_dict
    assert set(as_dict) == {"name", "version", "digest", "description", "rules", "default"}


def test_shipped_policy_contents() -> None:
    publish, strict = load_policy("publish"), load_policy("strict")
    internal, review = load_policy("internal"), load_policy("review")
    assert publish.rule_for("CITIZEN_JOURNALIST").label == "citizen journalist"
    assert publish.rule_for("AT_RISK_SOURCE").label == "source"
    assert publish.rule_for("PHONE_NUMBER").params["text"] == "[phone number removed]"
    assert publish.rule_for("PSEUDONYM").action == "keep"
    assert publish.rule_for("QUASI_IDENTIFIER", "high").action == "flag"
    assert strict.rule_for("PSEUDONYM").label == "pseudonymous source"
    assert {strict.rule_for("QUASI_IDENTIFIER", r).action for r in ("low", "high", None)} == {
        "generalize"
    }
    assert internal.rule_for("EMAIL_ADDRESS").action == "encrypt"
    assert internal.rule_for("PUBLIC_FIGURE").action == "keep"
    assert {r.action for r in review.rules.values()} == {"flag", "keep"}


def test_schema_enums_match_loader() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert tuple(schema["$defs"]["action"]["enum"]) == ACTIONS


def test_list_policies_includes_extra_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert list_policies() == SHIPPED
    write(tmp_path, "newsroom-b", MINIMAL.format(name="newsroom-b"))
    write(tmp_path, "Bad Name", MINIMAL.format(name="x"))
    assert list_policies([tmp_path]) == sorted([*SHIPPED, "newsroom-b"])
    # The loader itself never reads the environment; the service passes config.policy_dirs().
    monkeypatch.setenv("SOURCEGUARD_POLICY_DIR", str(tmp_path))
    assert "newsroom-b" not in list_policies()
    assert "newsroom-b" in list_policies(policy_dirs())
    assert load_policy("newsroom-b", policy_dirs()).version == "2.1.0"


def test_extra_dir_cannot_shadow_shipped_policy(tmp_path: Path) -> None:
    write(tmp_path, "publish", MINIMAL.format(name="publish"))
    assert load_policy("publish", [tmp_path]).path == (POLICY_DIR / "publish.yaml").resolve()


def test_load_by_path_and_digest_tracks_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, "mine", MINIMAL.format(name="mine"))
    first = load_policy(str(path))
    assert load_policy(path).digest == first.digest
    path.write_text(MINIMAL.format(name="mine") + "# a comment changes the digest\n")
    second = load_policy(path)
    assert second.digest != first.digest
    assert second.rules == first.rules


def test_rule_for_risk_overrides(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, "risky", MINIMAL.format(name="risky")))
    assert policy.rule_for("QUASI_IDENTIFIER").action == "flag"
    assert policy.rule_for("QUASI_IDENTIFIER", "low").action == "flag"
    high = policy.rule_for("QUASI_IDENTIFIER", "high")
    assert high.action == "generalize" and high.params["kinds"]["age"] == "[an age]"
    assert policy.rule_for("QUASI_IDENTIFIER", "medium").params["text"] == "[gone]"
    assert policy.rule_for("PERSON", "high").label == "person"
    assert policy.rule_for("SOMETHING_NEW") == policy.default
    assert policy.to_dict()["rules"]["QUASI_IDENTIFIER"]["risk"]["high"]["action"] == "generalize"


BROKEN = {
    "yaml-syntax": ("name: x\nrules: {PERSON: [unclosed\n", "YAML error at line"),
    "not-a-mapping": ("- just\n- a list\n", "$: a policy must be a mapping"),
    "empty-file": ("", "$: a policy must be a mapping"),
    "missing-name": (MINIMAL.format(name="x").replace("name: x\n", ""), "'name' is a required"),
    "missing-version": (
        MINIMAL.format(name="x").replace('version: "2.1.0"\n', ""),
        "'version' is a required",
    ),
    "version-not-string": (
        MINIMAL.format(name="x").replace('"2.1.0"', "2.1"),
        "$.version: 2.1 is not of type 'string'",
    ),
    "unknown-action": (
        MINIMAL.format(name="x").replace("action: placeholder", "action: blur"),
        "$.rules.PERSON.action: 'blur' is not one of",
    ),
    "unknown-entity-type": (
        MINIMAL.format(name="x").replace("PERSON:", "SPY:"),
        "$.rules.SPY: unknown entity type 'SPY'",
    ),
    "lowercase-entity-type": (
        MINIMAL.format(name="x").replace("PERSON:", "person:"),
        "$.rules",
    ),
    "unknown-rule-key": (
        MINIMAL.format(name="x").replace("label: person", "lable: person"),
        "$.rules.PERSON: Unevaluated properties are not allowed ('lable'",
    ),
    "param-of-other-action": (
        MINIMAL.format(name="x").replace("label: person", "char: '*'"),
        "$.rules.PERSON.char: not a parameter of action 'placeholder'",
    ),
    "risk-on-person": (
        MINIMAL.format(name="x").replace(
            "label: person}", "label: person, risk: {high: {action: keep}}}"
        ),
        "$.rules.PERSON.risk: risk overrides apply only to",
    ),
    "unknown-risk-level": (
        MINIMAL.format(name="x").replace("medium:", "severe:"),
        "$.rules.QUASI_IDENTIFIER.risk",
    ),
    "missing-default": (
        MINIMAL.format(name="x").replace("default: {action: flag}\n", ""),
        "'default' is a required",
    ),
    "duplicate-key": (
        MINIMAL.format(name="x") + "name: y\n",
        "duplicate key 'name'",
    ),
    "mask-char-too-long": (
        MINIMAL.format(name="x").replace(
            "action: placeholder, label: person", "action: mask, char: '**'"
        ),
        "$.rules.PERSON.char",
    ),
    "bad-label": (
        MINIMAL.format(name="x").replace("label: person", "label: '[evil]'"),
        "$.rules.PERSON.label",
    ),
}


@pytest.mark.parametrize(("body", "expected"), BROKEN.values(), ids=BROKEN.keys())
def test_broken_policy_is_refused(tmp_path: Path, body: str, expected: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(PolicyError) as excinfo:
        load_policy(path)
    message = str(excinfo.value)
    assert message.startswith("broken.yaml: ")
    assert expected in message


@pytest.mark.parametrize(
    "name",
    ["Publish", "pub lish", "..", "-x", "x" * 65, "publish\n", "über", "", "nonexistent"],
)
def test_bad_or_unknown_name_is_refused(name: str) -> None:
    with pytest.raises(PolicyError):
        load_policy(name)


@pytest.mark.parametrize("name", ["../publish", "/etc/passwd", "publish.yaml", "a/b"])
def test_paths_refused_when_names_only(name: str) -> None:
    with pytest.raises(PolicyError, match="by name, not by path"):
        load_policy(name, allow_paths=False)


def test_missing_file_and_name_mismatch(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"nothere\.yaml: cannot read"):
        load_policy(tmp_path / "nothere.yaml")
    write(tmp_path, "alias", MINIMAL.format(name="other"))
    with pytest.raises(PolicyError, match=r"\$\.name: 'other' does not match"):
        load_policy("alias", [tmp_path])
