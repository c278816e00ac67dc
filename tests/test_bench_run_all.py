"""bench/run_all.py: every issue-14 benchmark script exists and speaks JSON, and the runner reads
their figures defensively. No timing is measured here (the dry run only asks each script for
its ``--help``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench import run_all

REPO = Path(__file__).resolve().parents[1]


def test_dry_run_finds_every_script_with_json() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run_all.py"), "--dry-run"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(run_all.SCRIPTS)
    assert all(line.split()[-1] == "ok" for line in lines), lines


def test_a_missing_figure_is_reported_as_missing_and_not_met() -> None:
    figures = run_all.read_throughput({"throughput_corpus_ratio": 2.4, "targets": {}})
    by_name = {f.name: f for f in figures}
    assert by_name["throughput in-process, corpus articles"].met
    long = by_name["throughput in-process, long draft"]
    assert long.value is None and not long.met and long.shown() == "missing"
    whole = run_all.read_whole_process({"whole_process_long_wall_ratio": 1.49})
    assert [f.met for f in whole] == [False, False, False, False]
    assert whole[2].value == 1.49


def test_targets_and_their_direction() -> None:
    scaling = run_all.read_scaling(
        [{"row": "hyphen", "exponent": 1.2, "seconds_40kB": 0.4}, {"row": "word"}]
    )
    assert [f.met for f in scaling] == [False, True, False, False]
    cli = run_all.read_cli_start(
        {
            "commands": [
                {"command": "--help", "median_seconds": 0.2, "exit_code_ok": True},
                {"command": "policies", "median_seconds": 1.0, "exit_code_ok": True},
                {"command": "token list", "median_seconds": 0.1, "exit_code_ok": False},
            ]
        }
    )
    assert [f.met for f in cli] == [True, False, False]  # < 1 s, and the right exit code
    assert run_all.read_http({"summary": {"median_overhead_ratio": 0.2}})[0].met
    assert not run_all.read_http({"summary": {"median_overhead_ratio": 0.21}})[0].met
    assert not run_all.read_incremental(None)[0].met
    assert run_all.read_check_cache({"check_warm_speedup": 25})[0].met
    assert [f.met for f in run_all.read_incremental({"incremental_speedup": 10.0})] == [True, False]
