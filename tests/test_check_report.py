"""Reports of ``sourceguard check``: shapes of text/JSON/SARIF/GitHub output, SARIF schema validity,
GitHub escaping and annotation cap, and that only Violation fields reach the output."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from jsonschema import Draft4Validator

from service.check.report import (
    FORMATS,
    RunInfo,
    escape_data,
    escape_property,
    render,
    step_summary,
    write_step_summary,
)
from service.check.rules import RULES, Violation

SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
FP1 = "hmac-sha256:" + "1a2b3c4d" * 8
FP2 = "hmac-sha256:" + "5e6f7a8b" * 8
FP3 = "hmac-sha256:" + "9c0d1e2f" * 8
INVENTED_NAME = "Velimir Ostranko"  # never given to any renderer


def v(path: str = "drafts/story.md", rule: str = "SG002", line: int = 3, **kw: object) -> Violation:
    base: dict[str, object] = {
        "path": path,
        "rule": rule,
        "level": RULES[rule].level,
        "line": line,
        "column": 5,
        "end_line": line,
        "end_column": 17,
        "entity_type": "CITIZEN_JOURNALIST",
        "role": "citizen journalist",
        "fingerprint": FP1,
        "identity": "P1",
    }
    base.update(kw)
    return Violation(**base)  # type: ignore[arg-type]


def sample() -> list[Violation]:
    return [
        v(),
        v(
            "drafts/b story, part 2.md",
            "SG001",
            7,
            entity_type="PROTECTED_SOURCE",
            role="protected source",
            fingerprint=FP2,
        ),
        v(
            "-",
            "SG003",
            1,
            entity_type="PERSON",
            role="unclassified person",
            fingerprint=FP3,
            identity=None,
        ),
        v(
            "drafts/a.md",
            "SG004",
            2,
            entity_type="ANONYMOUS_SOURCE",
            role="anonymous source",
            identity="S1",
            risk="high",
            details=["district", "job"],
            fingerprint=FP3,
        ),
        v("drafts/story.md", line=9, suppressed="inline", fingerprint=FP2),
        v(
            "drafts/old.md",
            "SG005",
            4,
            entity_type="PHONE_NUMBER",
            role="phone number",
            suppressed="baseline",
            identity=None,
        ),
    ]


def info(**kw: object) -> RunInfo:
    base: dict[str, object] = {
        "policy": "newsroom-default",
        "policy_digest": "sha256:0123",
        "files_checked": 5,
        "exit_code": 1,
        "version": "1.2.3",
        "suppression_problems": [("drafts/story.md", 12, "suppression has no reason")],
    }
    base.update(kw)
    return RunInfo(**base)  # type: ignore[arg-type]


def sarif(violations: list[Violation], run: RunInfo | None = None) -> dict:
    return json.loads(render("sarif", violations, run or info()))


# --- text -----------------------------------------------------------------------------------


def test_text_lines_sorted_unsuppressed_with_summary() -> None:
    lines = render("text", sample(), info()).splitlines()
    assert lines[0] == (
        "-:1:5: warning SG003 unclassified-person: unclassified person named; check whether this "
        "person is at risk [fingerprint hmac-sha256:9c0d1e2f]"
    )
    assert lines[1].startswith("drafts/a.md:2:5: warning SG004 jigsaw-risk: anonymous source S1")
    assert lines[2].startswith("drafts/b story, part 2.md:7:5: error SG001 protected-source: ")
    assert lines[3] == (
        "drafts/story.md:3:5: error SG002 at-risk-name: citizen journalist P1 named "
        "[fingerprint hmac-sha256:1a2b3c4d]"
    )
    assert lines[4] == "drafts/story.md:12: warning suppression: suppression has no reason"
    assert lines[5] == "2 errors, 2 warnings in 5 files (2 suppressed); fail level error"
    assert len(lines) == 6


def test_text_no_findings() -> None:
    out = render("text", [], info(files_checked=1, suppression_problems=[]))
    assert out == "no findings in 1 file\n"
    only_suppressed = [x for x in sample() if x.suppressed]
    assert render("text", only_suppressed, info(suppression_problems=[])).splitlines() == [
        "no findings in 5 files (2 suppressed)"
    ]


def test_text_escapes_control_characters_in_paths() -> None:
    out = render("text", [v("a\nb.md")], info(suppression_problems=[]))
    assert out.splitlines()[0].startswith("a\\x0ab.md:3:5:")


# --- json -----------------------------------------------------------------------------------


def test_json_shape_includes_suppressed() -> None:
    doc = json.loads(render("json", sample(), info()))
    assert list(doc) == [
        "version",
        "policy",
        "fail_level",
        "summary",
        "violations",
        "suppression_problems",
    ]
    assert doc["version"] == "1.2.3"
    assert doc["policy"] == {"name": "newsroom-default", "digest": "sha256:0123"}
    assert doc["summary"]["errors"] == 2
    assert doc["summary"]["warnings"] == 2
    assert doc["summary"]["suppressed"] == {"baseline": 1, "inline": 1}
    assert doc["summary"]["exit_code"] == 1
    assert len(doc["violations"]) == 6
    assert {x.get("suppressed") for x in doc["violations"]} == {None, "inline", "baseline"}
    assert doc["violations"][0]["path"] == "-"
    assert doc["suppression_problems"] == [
        {"path": "drafts/story.md", "line": 12, "message": "suppression has no reason"}
    ]
    assert render("json", sample(), info()) == render("json", list(reversed(sample())), info())


def test_runinfo_suppressed_counts_win_when_given() -> None:
    doc = json.loads(render("json", [], info(suppressed={"inline": 4})))
    assert doc["summary"]["suppressed"] == {"inline": 4}


def test_runinfo_defaults() -> None:
    run = RunInfo()
    assert run.version
    assert run.fail_level == "error"
    assert run.suppression_problems == []


# --- sarif ----------------------------------------------------------------------------------


def test_sarif_validates_against_official_schema() -> None:
    doc = sarif(sample())
    errors = sorted(Draft4Validator(SCHEMA).iter_errors(doc), key=str)
    assert not errors, [e.message for e in errors]
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert doc["version"] == "2.1.0"
    assert len(doc["runs"]) == 1
    assert not list(Draft4Validator(SCHEMA).iter_errors(sarif([], info(suppression_problems=[]))))


def test_sarif_rules_all_present_with_help() -> None:
    run = sarif([])["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "sourceguard"
    assert driver["semanticVersion"] == "1.2.3"
    assert [r["id"] for r in driver["rules"]] == list(RULES)
    for r in driver["rules"]:
        rule = RULES[r["id"]]
        assert r["name"] == rule.name
        assert r["shortDescription"]["text"] == rule.summary
        assert r["help"]["text"] == rule.help
        assert rule.help in r["help"]["markdown"]
        assert r["defaultConfiguration"]["level"] == rule.level
        assert r["properties"]["tags"] == ["privacy", "source-protection"]
        assert r["properties"]["problem.severity"] == rule.level
        assert r["properties"]["precision"] in ("high", "medium")
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"] == [
        {
            "executionSuccessful": True,
            "exitCode": 1,
            "toolExecutionNotifications": [
                {
                    "level": "warning",
                    "message": {"text": "suppression has no reason"},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {
                                    "uri": "drafts/story.md",
                                    "uriBaseId": "%SRCROOT%",
                                },
                                "region": {"startLine": 12},
                            }
                        }
                    ],
                }
            ],
        }
    ]


def test_sarif_results() -> None:
    run = sarif(sample())["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == 6
    for res in results:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    by_uri = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in results}
    assert "stdin" in by_uri
    spaced = by_uri["drafts/b%20story%2C%20part%202.md"]
    assert spaced["ruleId"] == "SG001"
    assert spaced["level"] == "error"
    loc = spaced["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert loc["region"] == {"startLine": 7, "startColumn": 5, "endLine": 7, "endColumn": 17}
    assert spaced["properties"] == {
        "role": "protected source",
        "entityType": "PROTECTED_SOURCE",
        "identity": "P1",
    }
    assert spaced["partialFingerprints"] == {
        "sourceguardFingerprint/v1": f"SG001:{'5e6f7a8b' * 8}:1"
    }
    jigsaw = by_uri["drafts/a.md"]
    assert jigsaw["properties"]["risk"] == "high"
    assert jigsaw["properties"]["details"] == ["district", "job"]
    kinds = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        + str(r["locations"][0]["physicalLocation"]["region"]["startLine"]): r.get("suppressions")
        for r in results
    }
    assert kinds["drafts/story.md9"] == [{"kind": "inSource"}]
    assert kinds["drafts/old.md4"] == [{"kind": "external"}]
    assert kinds["drafts/story.md3"] is None
    uri_ok = re.compile(r"^[A-Za-z0-9\-._~/%]+$")
    assert all(uri_ok.match(u) for u in by_uri)


def test_sarif_fingerprints_stable_when_only_lines_change() -> None:
    before = [v(line=3), v(line=20), v("drafts/x.md", line=4, fingerprint=FP2)]
    after = [replace(x, line=x.line + 11, end_line=x.end_line + 11) for x in before]

    def fps(vs: list[Violation]) -> list[str]:
        return sorted(
            r["partialFingerprints"]["sourceguardFingerprint/v1"]
            for r in sarif(vs)["runs"][0]["results"]
        )

    assert fps(before) == fps(after)
    assert len(set(fps(before))) == 3  # two mentions of one person stay two alerts
    assert f"SG002:{'1a2b3c4d' * 8}:1" in fps(before)


def test_sarif_absolute_path_is_file_uri() -> None:
    loc = sarif([v("/srv/drafts/x y.md")])["runs"][0]["results"][0]["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"] == {"uri": "file:///srv/drafts/x%20y.md"}


# --- github ---------------------------------------------------------------------------------


def test_github_escaping() -> None:
    assert escape_data("50% a\r\nb: c, d") == "50%25 a%0D%0Ab: c, d"
    assert escape_property("50% a\r\nb: c, d") == "50%25 a%0D%0Ab%3A c%2C d"
    out = render("github", [v("dir/50%, a: b\nc.md", role="medic\n::error::x")], info())
    first = out.splitlines()[0]
    assert first.startswith(
        "::error file=dir/50%25%2C a%3A b%0Ac.md,line=3,col=5,endLine=3,endColumn=17,"
        "title=SG002 at-risk-name::medic%0A::error::x P1 named"
    )
    assert len(out.splitlines()) == 3  # annotation, suppression warning, summary


def test_github_shapes_and_stdin() -> None:
    lines = render("github", sample(), info(suppression_problems=[])).splitlines()
    assert lines[0].startswith(
        "::error file=drafts/b story%2C part 2.md,line=7,col=5,endLine=7,endColumn=17,"
        "title=SG001 protected-source::protected source P1 named"
    )
    assert lines[1].startswith("::error file=drafts/story.md,line=3,")
    assert lines[2].startswith(
        "::warning title=SG003 unclassified-person::stdin:1:5: unclassified person named"
    )
    assert lines[3].startswith("::warning file=drafts/a.md,line=2,")
    assert lines[4] == "2 errors, 2 warnings in 5 files (2 suppressed); fail level error"
    assert not any("line=9" in x or "old.md" in x for x in lines)  # suppressed not shown


def test_github_multiline_annotation_has_no_end_column() -> None:
    out = render("github", [v(end_line=4)], info(suppression_problems=[]))
    assert "endLine=4,title=" in out
    assert "endColumn" not in out


def test_github_cap_ten_per_level_and_notice() -> None:
    many = [v(f"d/{i:02}.md") for i in range(13)]
    many += [v(f"d/w{i:02}.md", "SG003", entity_type="PERSON", role="x") for i in range(11)]
    lines = render("github", many, info()).splitlines()
    errors = [x for x in lines if x.startswith("::error ")]
    warnings = [x for x in lines if x.startswith("::warning ")]
    assert len(errors) == 10
    assert len(warnings) == 10
    assert errors[0].startswith("::error file=d/00.md,")
    assert errors[-1].startswith("::error file=d/09.md,")
    assert lines.index(errors[-1]) < lines.index(warnings[0])  # errors first
    notices = [x for x in lines if x.startswith("::notice ")]
    assert len(notices) == 1
    # 11 warnings + 1 suppression problem -> 2 hidden
    assert notices[0].startswith("::notice title=sourceguard::3 errors and 2 warnings not shown")
    assert "SARIF" in notices[0]
    assert "summary" in notices[0]
    few = render("github", many[:10], info(suppression_problems=[]))
    assert "::notice" not in few


# --- step summary ---------------------------------------------------------------------------


def test_step_summary_markdown() -> None:
    md = step_summary(sample(), info())
    assert "| SG002 | at-risk-name | error | 1 | 1 |" in md
    assert "| SG005 | contact-detail | error | 0 | 1 |" in md
    assert "drafts/b story, part 2.md:7:5 | SG001 protected-source | error" in md
    assert "hmac-sha256:5e6f7a8b" in md
    assert "drafts/old.md" not in md  # suppressed: counted, not listed
    assert "suppression has no reason" in md
    piped = step_summary([v("a|b*.md")], info(suppression_problems=[]))
    assert r"a\|b\*.md:3:5" in piped


def test_write_step_summary(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    target.write_text("earlier\n", encoding="utf-8")
    assert write_step_summary(sample(), info(), env={"GITHUB_STEP_SUMMARY": str(target)})
    text = target.read_text(encoding="utf-8")
    assert text.startswith("earlier\n## sourceguard check")
    assert not write_step_summary(sample(), info(), env={})


# --- only Violation fields reach the output -------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_outputs_hold_no_name(fmt: str) -> None:
    out = render(fmt, sample(), info()) + step_summary(sample(), info())
    for part in INVENTED_NAME.split():
        assert part not in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_renderer_uses_only_violation_fields(fmt: str) -> None:
    odd = v("q/zz.md", fingerprint="hmac-sha256:abcd", role="rolezz", identity="Pzz", line=41)
    out = render(fmt, [odd], info(suppression_problems=[]))
    assert "abcd" in out
    assert "rolezz Pzz" in out
    assert "q/zz.md" in out
    assert "41" in out
    if fmt == "sarif":
        res = json.loads(out)["runs"][0]["results"][0]
        assert res["partialFingerprints"] == {"sourceguardFingerprint/v1": "SG002:abcd:1"}
        assert res["message"]["text"] == odd.message()


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render("xml", [], info())
