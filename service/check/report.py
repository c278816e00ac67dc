"""Output of ``sourceguard check``: text, JSON, SARIF 2.1.0 and GitHub Actions annotations.

Every renderer reads only Violation fields (place, rule, role, keyed fingerprint) and RunInfo, so
no output can carry a name or the text around it, whatever the draft held.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from service.check.rules import RULES, Violation
from service.core.config import setting, sourceguard_version

FORMATS = ("text", "json", "sarif", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/sourceguard/sourceguard"
FINGERPRINT_KEY = "sourceguardFingerprint/v1"
STDIN_PATH = "-"
STDIN_URI = "stdin"
GITHUB_ANNOTATION_CAP = 10
"""GitHub shows at most 10 error and 10 warning annotations per step; the rest are dropped."""
STEP_SUMMARY_MAX_ROWS = 1000
"""The step summary is limited to 1 MiB; past this many rows the SARIF report has the rest."""


@dataclass
class RunInfo:
    """Facts about one run that the runner knows and the reports print next to the violations.

    ``suppressed`` counts suppressed violations by kind ("inline", "baseline"); leave it empty to
    have them counted from the violations passed to ``render``. ``suppression_problems`` are
    (path, line, message) for malformed or unused inline suppressions; messages must be written
    by sourceguard and never quote the draft.
    """

    policy: str = ""
    policy_digest: str = ""
    fail_level: str = "error"  # "error" | "warning"
    files_checked: int = 0
    files_from_cache: int = 0
    seconds: float = 0.0
    exit_code: int = 0
    suppressed: dict[str, int] = field(default_factory=dict)
    suppression_problems: list[tuple[str, int, str]] = field(default_factory=list)
    version: str = field(default_factory=sourceguard_version)


# --- shared helpers -------------------------------------------------------------------------


def _sort_key(v: Violation) -> tuple[Any, ...]:
    return (v.path, v.line, v.column, v.end_line, v.end_column, v.rule, v.fingerprint)


def shown(violations: list[Violation]) -> list[Violation]:
    """Unsuppressed violations in path, line, column order: what people must act on."""
    return sorted((v for v in violations if not v.suppressed), key=_sort_key)


def suppressed_counts(violations: list[Violation], info: RunInfo) -> dict[str, int]:
    """Suppressed counts by kind, from the runner if it gave them, else from the violations."""
    if info.suppressed:
        return dict(sorted(info.suppressed.items()))
    return dict(sorted(Counter(v.suppressed for v in violations if v.suppressed).items()))


def _fingerprint_hex(fingerprint: str) -> str:
    return fingerprint.rpartition(":")[2]


def short_fingerprint(fingerprint: str) -> str:
    """``hmac-sha256:`` plus 8 hex digits: enough for a person to match findings by eye."""
    prefix, sep, digest = fingerprint.rpartition(":")
    return f"{prefix}{sep}{digest[:8]}"


def _printable(s: str) -> str:
    """Escape control characters so an odd file name cannot forge extra output lines."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in s)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(violations: list[Violation], info: RunInfo) -> str:
    """The last line of text output, also used in logs of the other formats."""
    levels = Counter(v.level for v in shown(violations))
    n_supp = sum(suppressed_counts(violations, info).values())
    files = _plural(info.files_checked, "file")
    supp = f" ({n_supp} suppressed)" if n_supp else ""
    if not levels:
        return f"no findings in {files}{supp}"
    counts = f"{_plural(levels['error'], 'error')}, {_plural(levels['warning'], 'warning')}"
    return f"{counts} in {files}{supp}; fail level {info.fail_level}"


# --- text -----------------------------------------------------------------------------------


def _text_line(v: Violation) -> str:
    return (
        f"{_printable(v.path)}:{v.line}:{v.column}: {v.level} {v.rule} {v.rule_name}: "
        f"{_printable(v.message())} [fingerprint {short_fingerprint(v.fingerprint)}]"
    )


def render_text(violations: list[Violation], info: RunInfo) -> str:
    lines = [_text_line(v) for v in shown(violations)]
    lines += [
        f"{_printable(path)}:{line}: warning suppression: {_printable(msg)}"
        for path, line, msg in sorted(info.suppression_problems)
    ]
    lines.append(summary_line(violations, info))
    return "\n".join(lines) + "\n"


# --- json -----------------------------------------------------------------------------------


def render_json(violations: list[Violation], info: RunInfo) -> str:
    levels = Counter(v.level for v in shown(violations))
    doc = {
        "version": info.version,
        "policy": {"name": info.policy, "digest": info.policy_digest},
        "fail_level": info.fail_level,
        "summary": {
            "errors": levels["error"],
            "warnings": levels["warning"],
            "suppressed": suppressed_counts(violations, info),
            "files_checked": info.files_checked,
            "files_from_cache": info.files_from_cache,
            "seconds": round(info.seconds, 3),
            "exit_code": info.exit_code,
        },
        "violations": [v.to_dict() for v in sorted(violations, key=_sort_key)],
        "suppression_problems": [
            {"path": p, "line": n, "message": m} for p, n, m in sorted(info.suppression_problems)
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# --- sarif ----------------------------------------------------------------------------------


def artifact_uri(path: str) -> str:
    """A relative URI reference for a reported path; stdin gets a fixed name."""
    if path == STDIN_PATH:
        return STDIN_URI
    return quote(path.replace("\\", "/"), safe="/")


def _artifact_location(path: str) -> dict[str, Any]:
    uri = artifact_uri(path)
    if uri.startswith("/"):  # an absolute path: a file URI needs no base
        return {"uri": "file://" + uri}
    return {"uri": uri, "uriBaseId": "%SRCROOT%"}


def sarif_rule(rule_id: str) -> dict[str, Any]:
    """A reportingDescriptor: GitHub shows shortDescription as the alert title and help below."""
    r = RULES[rule_id]
    return {
        "id": r.id,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": f"{r.summary} {r.help}"},
        "help": {"text": r.help, "markdown": f"**{r.summary}**\n\n{r.help}"},
        "defaultConfiguration": {"level": r.level},
        "properties": {
            "tags": ["privacy", "source-protection"],
            "precision": "high" if r.level == "error" else "medium",
            "problem.severity": r.level,
        },
    }


def partial_fingerprints(violations: list[Violation]) -> list[str]:
    """``rule:hex:n`` per violation, n counting equal (path, rule, fingerprint) in order.

    Lines are left out so an alert survives edits above it; the ordinal keeps two mentions of the
    same person in one file as two alerts instead of GitHub merging them.
    """
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for v in violations:
        key = (v.path, v.rule, v.fingerprint)
        seen[key] += 1
        out.append(f"{v.rule}:{_fingerprint_hex(v.fingerprint)}:{seen[key]}")
    return out


def _sarif_result(v: Violation, rule_index: dict[str, int], fingerprint: str) -> dict[str, Any]:
    props: dict[str, Any] = {"role": v.role, "entityType": v.entity_type}
    if v.identity:
        props["identity"] = v.identity
    if v.risk:
        props["risk"] = v.risk
    if v.details:
        props["details"] = list(v.details)
    result: dict[str, Any] = {
        "ruleId": v.rule,
        "ruleIndex": rule_index[v.rule],
        "level": v.level,
        "message": {"text": v.message()},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact_location(v.path),
                    "region": {
                        "startLine": v.line,
                        "startColumn": v.column,
                        "endLine": v.end_line,
                        "endColumn": v.end_column,
                    },
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": props,
    }
    if v.suppressed:
        kind = "inSource" if v.suppressed == "inline" else "external"
        result["suppressions"] = [{"kind": kind}]
    return result


def _notification(path: str, line: int, message: str) -> dict[str, Any]:
    return {
        "level": "warning",
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact_location(path),
                    "region": {"startLine": max(line, 1)},
                }
            }
        ],
    }


def sarif_log(violations: list[Violation], info: RunInfo) -> dict[str, Any]:
    """The SARIF log as a dict (one run), for callers that merge or inspect it."""
    rule_index = {rule_id: i for i, rule_id in enumerate(RULES)}
    ordered = sorted(violations, key=_sort_key)
    invocation: dict[str, Any] = {"executionSuccessful": True, "exitCode": info.exit_code}
    if info.suppression_problems:
        invocation["toolExecutionNotifications"] = [
            _notification(p, n, m) for p, n, m in sorted(info.suppression_problems)
        ]
    run = {
        "tool": {
            "driver": {
                "name": "sourceguard",
                "semanticVersion": info.version,
                "informationUri": INFORMATION_URI,
                "rules": [sarif_rule(rule_id) for rule_id in RULES],
            }
        },
        "invocations": [invocation],
        "originalUriBaseIds": {
            "%SRCROOT%": {"description": {"text": "The directory sourceguard check ran in."}}
        },
        "columnKind": "unicodeCodePoints",
        "results": [
            _sarif_result(v, rule_index, fp)
            for v, fp in zip(ordered, partial_fingerprints(ordered), strict=True)
        ],
        "properties": {
            "policy": info.policy,
            "policyDigest": info.policy_digest,
            "failLevel": info.fail_level,
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(violations: list[Violation], info: RunInfo) -> str:
    return json.dumps(sarif_log(violations, info), indent=2, ensure_ascii=False) + "\n"


# --- github ---------------------------------------------------------------------------------


def escape_data(s: str) -> str:
    """Workflow-command message escaping, as in @actions/core ``escapeData``."""
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    """Workflow-command property escaping, as in @actions/core ``escapeProperty``."""
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def workflow_command(command: str, message: str, props: dict[str, Any] | None = None) -> str:
    """One ``::command k=v,...::message`` line with both parts escaped."""
    args = ",".join(f"{k}={escape_property(str(v))}" for k, v in (props or {}).items())
    return f"::{command}{' ' + args if args else ''}::{escape_data(message)}"


def _annotation(v: Violation) -> str:
    message = f"{v.message()} [fingerprint {short_fingerprint(v.fingerprint)}]"
    props: dict[str, Any] = {}
    if v.path == STDIN_PATH:
        message = f"{STDIN_URI}:{v.line}:{v.column}: {message}"
    else:
        props = {"file": v.path, "line": v.line, "col": v.column, "endLine": v.end_line}
        if v.end_line == v.line:  # GitHub ignores columns on multi-line annotations
            props["endColumn"] = v.end_column
    props["title"] = f"{v.rule} {v.rule_name}"
    return workflow_command(v.level, message, props)


def _problem_annotation(path: str, line: int, message: str) -> str:
    props: dict[str, Any] = {} if path == STDIN_PATH else {"file": path, "line": line}
    props["title"] = "sourceguard suppression"
    return workflow_command("warning", message, props)


def render_github(violations: list[Violation], info: RunInfo) -> str:
    """At most 10 annotations per level (errors first), then a notice of how many were cut."""
    visible = shown(violations)
    errors = [_annotation(v) for v in visible if v.level == "error"]
    warnings = [_annotation(v) for v in visible if v.level == "warning"]
    warnings += [_problem_annotation(*p) for p in sorted(info.suppression_problems)]
    cap = GITHUB_ANNOTATION_CAP
    lines = errors[:cap] + warnings[:cap]
    hidden_e, hidden_w = max(len(errors) - cap, 0), max(len(warnings) - cap, 0)
    if hidden_e or hidden_w:
        note = (
            f"{_plural(hidden_e, 'error')} and {_plural(hidden_w, 'warning')} not shown as "
            f"annotations (GitHub shows {cap} of each per step); see the job summary or the "
            "SARIF report in code scanning for all of them."
        )
        lines.append(workflow_command("notice", note, {"title": "sourceguard"}))
    lines.append(summary_line(violations, info))
    return "\n".join(lines) + "\n"


def _md_cell(s: str) -> str:
    """Plain text in a Markdown table cell: no markup, no line or cell breaks."""
    s = re.sub(r"([\\`*_\[\]#!~|])", r"\\\1", " ".join(s.splitlines()))
    return html.escape(s, quote=False)


def step_summary(violations: list[Violation], info: RunInfo) -> str:
    """Markdown for the job summary: counts per rule and every unsuppressed place, never text."""
    visible = shown(violations)
    per_rule = Counter(v.rule for v in visible)
    supp_rule = Counter(v.rule for v in violations if v.suppressed)
    out = [
        "## sourceguard check",
        "",
        _md_cell(summary_line(violations, info)),
        "",
        "| Rule | Name | Level | Findings | Suppressed |",
        "| --- | --- | --- | ---: | ---: |",
    ]
    out += [
        f"| {r.id} | {r.name} | {r.level} | {per_rule[r.id]} | {supp_rule[r.id]} |"
        for r in RULES.values()
        if per_rule[r.id] or supp_rule[r.id]
    ]
    if visible:
        out += [
            "",
            "| Place | Rule | Level | Role | Fingerprint |",
            "| --- | --- | --- | --- | --- |",
        ]
        for v in visible[:STEP_SUMMARY_MAX_ROWS]:
            place = _md_cell(f"{v.path}:{v.line}:{v.column}")
            role = _md_cell(v.role + (f" {v.identity}" if v.identity else ""))
            fp = _md_cell(short_fingerprint(v.fingerprint))
            out.append(f"| {place} | {v.rule} {v.rule_name} | {v.level} | {role} | {fp} |")
        if len(visible) > STEP_SUMMARY_MAX_ROWS:
            more = len(visible) - STEP_SUMMARY_MAX_ROWS
            out += ["", f"{more} more not listed; the SARIF and JSON reports have all of them."]
    if info.suppression_problems:
        out += ["", "### Suppression problems", ""]
        out += [
            f"- {_md_cell(f'{p}:{n}')}: {_md_cell(m)}"
            for p, n, m in sorted(info.suppression_problems)
        ]
    return "\n".join(out) + "\n"


def write_step_summary(
    violations: list[Violation], info: RunInfo, env: dict[str, str] | None = None
) -> bool:
    """Append the summary to $GITHUB_STEP_SUMMARY if set; True when written."""
    path = setting("GITHUB_STEP_SUMMARY", env)
    if not path:
        return False
    with open(path, "a", encoding="utf-8") as f:
        f.write(step_summary(violations, info))
    return True


# --- entry point ----------------------------------------------------------------------------

_RENDERERS = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
}


def render(fmt: str, violations: list[Violation], info: RunInfo) -> str:
    """Render violations in one of FORMATS; suppressed ones only in json and sarif."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}") from None
    return renderer(violations, info)
