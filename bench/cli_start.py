"""Cold start of the CLI commands that screen nothing: median wall time of fresh processes.

Not a test. Each command runs N times (default 5) as a new ``sourceguard`` process against a
throw-away SQLite store in a temporary data dir (a few tokens and audit records written there
first, so ``token list`` and ``audit verify`` have something to read). One untimed run per
command comes first, so Python's bytecode cache exists: "cold" is a new process, not a fresh
install. Target: every command's median under 1 s, because none of them loads the model.

``token create`` is listed apart, without a target: it screens the token name with the full
engine (a name in a token label would be stored in plaintext), so it loads the model.

    .venv/bin/python bench/cli_start.py [--runs 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.common import isolated_env, sourceguard_command  # noqa: E402

TARGET_SECONDS = 1.0
SECRET = "bench-cli-start-secret-0123456789abcdef"

# (arguments, expected exit code). ``token revoke`` of a name that has no active token is the
# whole revoke path (store opened, looked up) ending in exit 2; a real revoke works only once.
COMMANDS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("--help",), 0),
    (("--version",), 0),
    (("policies",), 0),
    (("token", "list"), 0),
    (("token", "revoke", "bench-absent"), 2),
    (("audit", "export"), 0),
    (("audit", "verify"), 0),
    (("audit", "checkpoint"), 0),
    (("allow-list", "list"), 0),
    (("check", "--help"), 0),
    (("archive", "--help"), 0),
)
SCREENING = ((("token", "create", "--role", "editor", "--name", "bench-desk-{n}"), 0),)


def bench_env(data_dir: Path) -> dict[str, str]:
    return isolated_env(data_dir, SECRET)


def seed_store(env: dict[str, str], records: int = 20) -> None:
    """Tokens and audit records in the bench store (in this process; nothing is screened)."""
    from service.audit.store import open_store
    from service.core.config import Config

    config = Config.from_env(environ=env)
    store = open_store(config.database_url, chain_key=config.key("chain"))
    try:
        for role in ("editor", "auditor", "admin"):
            store.create_token(f"bench-{role}", role)
        for i in range(records):
            store.append_audit({"operation": "bench", "actor": "cli", "details": {"n": i}})
    finally:
        store.close()


def time_command(
    args: tuple[str, ...], expected: int, env: dict[str, str], runs: int, cwd: Path
) -> dict[str, object]:
    base = sourceguard_command()
    seconds: list[float] = []
    codes: set[int] = set()
    for n in range(runs + 1):  # run 0 is the untimed warm-up (bytecode cache)
        argv = [*base, *(a.format(n=n) for a in args)]
        started = time.perf_counter()
        done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, timeout=600)
        elapsed = time.perf_counter() - started
        codes.add(done.returncode)
        if n:
            seconds.append(elapsed)
    median = statistics.median(seconds)
    return {
        "command": " ".join(args).replace("-{n}", ""),
        "median_seconds": round(median, 3),
        "min_seconds": round(min(seconds), 3),
        "exit_codes": sorted(codes),
        "exit_code_ok": codes == {expected},
        "met": median < TARGET_SECONDS and codes == {expected},
    }


def run(runs: int, include_screening: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="sg-cli-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        env = bench_env(data_dir)
        seed_store(env)
        commands = [time_command(a, code, env, runs, Path(tmp)) for a, code in COMMANDS]
        screening = (
            [time_command(a, code, env, runs, Path(tmp)) for a, code in SCREENING]
            if include_screening
            else []
        )
    for row in screening:
        row["met"] = None  # no target: it loads the model on purpose
    return {
        "target_seconds": TARGET_SECONDS,
        "runs": runs,
        "commands": commands,
        "screening_commands": screening,
        "max_median_seconds": max(c["median_seconds"] for c in commands),  # type: ignore[type-var]
        "all_met": all(c["met"] for c in commands),
    }


def format_report(report: dict[str, object]) -> str:
    lines = [
        f"CLI cold start, median of {report['runs']} fresh processes (target < "
        f"{report['target_seconds']:.0f} s, no model loaded)",
        f"{'command':<34} {'median s':>9} {'min s':>7} {'exit':>5} {'met':>4}",
    ]
    for row in report["commands"]:  # type: ignore[attr-defined]
        lines.append(_line(row, "yes" if row["met"] else "NO"))
    for row in report["screening_commands"]:  # type: ignore[attr-defined]
        lines.append(_line(row, "n/a") + "  (screens the token name: loads the model)")
    lines.append("all met: " + ("yes" if report["all_met"] else "NO"))
    return "\n".join(lines)


def _line(row: dict[str, object], met: str) -> str:
    codes = ",".join(str(c) for c in row["exit_codes"])  # type: ignore[attr-defined]
    return (
        f"{row['command']:<34} {row['median_seconds']:>9.3f} {row['min_seconds']:>7.3f} "
        f"{codes:>5} {met:>4}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (default 5)")
    parser.add_argument(
        "--no-screening", action="store_true", help="skip the token create row (model load)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    if args.runs < 1:
        print("cli_start: --runs must be at least 1", file=sys.stderr)
        return 2
    report = run(args.runs, not args.no_screening)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0 if report["all_met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
