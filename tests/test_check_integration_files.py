"""The files a newsroom copies: the pre-commit hook and the GitHub Actions example."""

from __future__ import annotations

from pathlib import Path

import yaml

from service.check.rules import RULES
from service.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]


def test_pre_commit_hook() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "sourceguard-check")
    assert hook["language"] == "python"
    assert hook["entry"].split()[:2] == ["sourceguard", "check"]
    assert set(hook["types_or"]) == {"markdown", "html", "text"}
    assert hook["require_serial"] is True  # one process, model loaded once
    build_parser().parse_args([*hook["entry"].split()[1:], "a.md"])  # the entry parses


def test_github_workflow_example() -> None:
    flow = yaml.safe_load((ROOT / "examples" / "github" / "sourceguard.yml").read_text())
    assert flow["permissions"]["security-events"] == "write"
    steps = flow["jobs"]["check"]["steps"]
    runs = " ".join(s.get("run", "") for s in steps)
    assert "sourceguard check" in runs and "--format github" in runs and "--format sarif" in runs
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["sarif_file"] == "sourceguard.sarif" and upload["if"] == "always()"
    assert any(".sourceguard-cache" in str(s.get("with", {}).get("path", "")) for s in steps)


def test_readme_documents_every_rule() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        assert f"`{rule.id} {rule.name}`" in readme, rule.id
