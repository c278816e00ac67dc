"""Commands that screen nothing import nothing heavy (issue 14: cold start under 1 s).

A structural check, not a timing test: each command runs in a fresh interpreter and reports
which of the heavy packages ended up in ``sys.modules``. The model stack (spaCy, Presidio), the
web stack (Flask, gunicorn), the PostgreSQL driver and sourceguard's own screening modules must
never be there; the policy stack (YAML, JSON Schema) only for the command that lists policies.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

MODEL_AND_SERVICE = (
    "spacy",
    "thinc",
    "presidio_analyzer",
    "presidio_anonymizer",
    "flask",
    "werkzeug",
    "gunicorn",
    "psycopg",
    "prometheus_client",
    # sourceguard's own screening path: the markup readers, the check runner, the engine
    "service.drafts.canonical",
    "service.check.runner",
    "service.pipeline.nlp",
    "service.pipeline.engine",
)
POLICY_STACK = ("yaml", "jsonschema")

PROBE = """
import json, sys
from service.cli import main
try:
    code = main(sys.argv[2:])
except SystemExit as exc:  # argparse's --help and --version
    code = exc.code
watched = json.loads(sys.argv[1])
loaded = sorted(m for m in watched if m in sys.modules)
sys.stderr.write("\\nPROBE " + json.dumps({"code": code, "loaded": loaded}) + "\\n")
"""

COMMANDS = (
    (("--help",), 0),
    (("--version",), 0),
    (("token", "list"), 0),
    (("token", "revoke", "no-such-token"), 2),
    (("audit", "export"), 0),
    (("audit", "verify"), 0),
    (("audit", "checkpoint"), 0),
    (("allow-list", "list"), 0),
    (("check", "--help"), 0),
    (("archive", "--help"), 0),
    (("serve", "--help"), 0),
    (("roster", "--help"), 0),
)


def probe(args: tuple[str, ...], data_dir: Path) -> dict[str, object]:
    env = {
        **os.environ,
        "SOURCEGUARD_DATA_DIR": str(data_dir),
        "SOURCEGUARD_SECRET_KEY": "test-cli-imports-secret-0123456789",
    }
    env.pop("SOURCEGUARD_DATABASE_URL", None)
    watched = json.dumps([*MODEL_AND_SERVICE, *POLICY_STACK])
    done = subprocess.run(
        [sys.executable, "-c", PROBE, watched, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line for line in done.stderr.splitlines() if line.startswith("PROBE ")]
    assert lines, done.stderr[-2000:]
    return json.loads(lines[-1][len("PROBE ") :])


@pytest.mark.parametrize(
    ("args", "code"), COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, tuple) else f"exit{v}"
)
def test_command_imports_neither_the_model_nor_the_policy_stack(
    args: tuple[str, ...], code: int, tmp_path: Path
) -> None:
    result = probe(args, tmp_path)
    assert result["code"] == code
    assert result["loaded"] == [], f"{' '.join(args)} imported {result['loaded']}"


def test_policies_imports_the_policy_stack_only(tmp_path: Path) -> None:
    """Also the probe's control: it does see what a command imports."""
    result = probe(("policies",), tmp_path)
    assert result["code"] == 0
    assert result["loaded"] == sorted(POLICY_STACK)
