"""Every issue-14 benchmark in one run, one table: figure, value, target, met. Exit 1 if any miss.

Not a test. Each script runs as a subprocess with ``--json`` (one after the other: they would
disturb each other's timings) and its figures are read from that JSON defensively: a figure a
script does not report (yet) is shown as "missing" and counts as not met, and so does a script
that fails or prints no JSON. ``--quick`` runs smaller sizes and fewer repetitions (a smoke
run; its figures are not the targets' measurement). ``--dry-run`` runs nothing: it checks that
every script exists and offers ``--json`` in its ``--help``.

    .venv/bin/python bench/run_all.py [--dir CORPUS] [--quick] [--only throughput,scaling]
    .venv/bin/python bench/run_all.py --dry-run

Figures read (flat JSON keys; the wall-clock ratio is the figure, the CPU-time ratio is shown
beside it because it moves less on a shared machine):

- throughput.py: ``throughput_corpus_ratio``, ``throughput_long_ratio`` (>= 2.0) and their
  ``..._cpu_ratio``;
- whole_process.py: ``whole_process_corpus_wall_ratio``, ``whole_process_long_wall_ratio``
  (>= 1.5) and their ``..._cpu_ratio``;
- scaling.py: a list of rows, each ``row``, ``exponent`` (<= 1.15), ``seconds_40kB`` (<= 2 s);
- incremental.py: ``incremental_speedup`` and ``incremental_cpu_speedup`` (>= 10);
- check_cache.py: ``check_warm_speedup`` (>= 20);
- cli_start.py: ``commands[].command``, ``commands[].median_seconds`` (< 1 s), and
  ``commands[].exit_code_ok``;
- http_overhead.py: ``summary.median_overhead_ratio`` (<= 0.20).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent


@dataclass
class Figure:
    name: str
    value: float | None  # None: the script did not report it
    target: str
    met: bool
    unit: str = ""

    def shown(self) -> str:
        if self.value is None:
            return "missing"
        if self.unit == "%":
            return f"{self.value:.1%}"
        if self.unit == "x":
            return f"{self.value:.2f}x"
        return f"{self.value:.3g} {self.unit}".strip()


@dataclass(frozen=True)
class Script:
    name: str
    file: str
    full: tuple[str, ...]
    quick: tuple[str, ...]
    takes_dir: bool
    read: Callable[[Any], list[Figure]]


def dig(doc: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(doc, dict) or key not in doc:
            return None
        doc = doc[key]
    return doc


def number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _shown_target(target: float, unit: str) -> str:
    if unit == "%":
        return f"{target:.0%}"
    return f"{target:g}x" if unit == "x" else f"{target:g} {unit}".strip()


def at_least(name: str, value: Any, target: float, unit: str = "x") -> Figure:
    v = number(value)
    return Figure(name, v, ">= " + _shown_target(target, unit), v is not None and v >= target, unit)


def at_most(name: str, value: Any, target: float, unit: str, strict: bool = False) -> Figure:
    v = number(value)
    ok = v is not None and (v < target if strict else v <= target)
    return Figure(name, v, ("< " if strict else "<= ") + _shown_target(target, unit), ok, unit)


def _ratios(
    doc: Any, prefix: str, label: str, sets: tuple[str, ...], target: float
) -> list[Figure]:
    out = []
    for name, suffix in sets:
        out.append(at_least(f"{label}, {name}", dig(doc, (f"{prefix}_{suffix}",)), target))
    return out


def read_throughput(doc: Any) -> list[Figure]:
    return _ratios(
        doc,
        "throughput",
        "throughput in-process",
        (
            ("corpus articles", "corpus_ratio"),
            ("corpus articles (CPU)", "corpus_cpu_ratio"),
            ("long draft", "long_ratio"),
            ("long draft (CPU)", "long_cpu_ratio"),
        ),
        2.0,
    )


def read_whole_process(doc: Any) -> list[Figure]:
    return _ratios(
        doc,
        "whole_process",
        "whole process",
        (
            ("corpus articles", "corpus_wall_ratio"),
            ("corpus articles (CPU)", "corpus_cpu_ratio"),
            ("long draft", "long_wall_ratio"),
            ("long draft (CPU)", "long_cpu_ratio"),
        ),
        1.5,
    )


def read_scaling(doc: Any) -> list[Figure]:
    rows = doc if isinstance(doc, list) else []
    if not rows:
        return [Figure("scaling", None, "<= 1.15, 40 kB <= 2 s", False)]
    out: list[Figure] = []
    for row in rows:
        label = row.get("row", "?") if isinstance(row, dict) else "?"
        row = row if isinstance(row, dict) else {}
        out.append(at_most(f"scaling {label}: exponent", row.get("exponent"), 1.15, ""))
        out.append(at_most(f"scaling {label}: 40 kB input", row.get("seconds_40kB"), 2.0, "s"))
    return out


def read_incremental(doc: Any) -> list[Figure]:
    return _ratios(
        doc,
        "incremental",
        "re-screen after a one-paragraph edit",
        (("wall", "speedup"), ("CPU", "cpu_speedup")),
        10.0,
    )


def read_check_cache(doc: Any) -> list[Figure]:
    return [at_least("check, warm vs cold", dig(doc, ("check_warm_speedup",)), 20.0)]


def read_cli_start(doc: Any) -> list[Figure]:
    commands = dig(doc, ("commands",))
    if not isinstance(commands, list) or not commands:
        return [Figure("CLI cold start", None, "< 1 s", False)]
    out = []
    for row in commands:
        row = row if isinstance(row, dict) else {}
        figure = at_most(
            f"CLI cold start: {row.get('command', '?')}", row.get("median_seconds"), 1.0, "s", True
        )
        figure.met = figure.met and row.get("exit_code_ok") is True
        out.append(figure)
    return out


def read_http(doc: Any) -> list[Figure]:
    value = dig(doc, ("summary", "median_overhead_ratio"))
    return [at_most("HTTP overhead, median per article", value, 0.20, "%")]


SCRIPTS = (
    Script(
        "throughput",
        "throughput.py",
        (),
        ("--reps", "1", "--long-words", "5000"),
        True,
        read_throughput,
    ),
    Script(
        "whole_process",
        "whole_process.py",
        (),
        ("--reps", "1", "--long-words", "5000"),
        True,
        read_whole_process,
    ),
    Script("scaling", "scaling.py", (), ("--quick", "--no-plain"), True, read_scaling),
    Script("incremental", "incremental.py", (), ("--reps", "2"), True, read_incremental),
    Script("check_cache", "check_cache.py", (), ("--files", "20"), True, read_check_cache),
    Script(
        "cli_start", "cli_start.py", (), ("--runs", "2", "--no-screening"), False, read_cli_start
    ),
    Script(
        "http_overhead", "http_overhead.py", (), ("--reps", "1", "--limit", "4"), True, read_http
    ),
)


def run_script(script: Script, args: argparse.Namespace) -> tuple[list[Figure], str | None, float]:
    """The script's figures, an error (or None), and its wall time."""
    argv = [
        sys.executable,
        str(BENCH / script.file),
        "--json",
        *(script.quick if args.quick else script.full),
    ]
    if script.takes_dir and args.dir is not None:
        argv += ["--dir", str(args.dir)]
    started = time.perf_counter()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return (
            script.read(None),
            f"timed out after {args.timeout:.0f} s",
            time.perf_counter() - started,
        )
    seconds = time.perf_counter() - started
    try:
        doc = json.loads(done.stdout)
    except ValueError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1][:200]
        return script.read(None), f"exit {done.returncode}, no JSON ({last})", seconds
    return script.read(doc), None, seconds


def dry_run(scripts: list[Script]) -> int:
    """Each script exists and lists ``--json`` in its ``--help`` (nothing is measured)."""
    failures = 0
    for script in scripts:
        path = BENCH / script.file
        if not path.is_file():
            print(f"{script.name:<14} MISSING {path.name}")
            failures += 1
            continue
        done = subprocess.run(
            [sys.executable, str(path), "--help"], capture_output=True, text=True, timeout=120
        )
        ok = done.returncode == 0 and "--json" in done.stdout
        print(f"{script.name:<14} {'ok' if ok else 'NO --json in --help'}")
        failures += not ok
    return 1 if failures else 0


def format_table(figures: list[Figure], errors: dict[str, str], seconds: dict[str, float]) -> str:
    width = max([len(f.name) for f in figures] + [20])
    lines = [f"{'figure':<{width}}  {'value':>12}  {'target':>12}  met"]
    for f in figures:
        lines.append(
            f"{f.name:<{width}}  {f.shown():>12}  {f.target:>12}  {'yes' if f.met else 'NO'}"
        )
    for name, error in errors.items():
        lines.append(f"{name}: {error}")
    lines.append("script wall times: " + ", ".join(f"{n} {s:.0f} s" for n, s in seconds.items()))
    missed = sum(1 for f in figures if not f.met)
    lines.append("all targets met" if not missed else f"{missed} figure(s) miss their target")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="corpus of .txt articles, passed to the scripts")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repetitions")
    parser.add_argument("--dry-run", action="store_true", help="check the scripts, run nothing")
    parser.add_argument(
        "--only", help="comma-separated subset of " + ",".join(s.name for s in SCRIPTS)
    )
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per script")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wanted = set(args.only.split(",")) if args.only else {s.name for s in SCRIPTS}
    unknown = wanted - {s.name for s in SCRIPTS}
    if unknown:
        print(f"run_all: unknown script(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    scripts = [s for s in SCRIPTS if s.name in wanted]
    if args.dry_run:
        return dry_run(scripts)
    figures: list[Figure] = []
    errors: dict[str, str] = {}
    seconds: dict[str, float] = {}
    for script in scripts:
        print(f"run_all: {script.name} ...", file=sys.stderr, flush=True)
        found, error, took = run_script(script, args)
        figures += found
        seconds[script.name] = took
        if error:
            errors[script.name] = error
    if args.json:
        out = {
            "quick": args.quick,
            "figures": [f.__dict__ for f in figures],
            "errors": errors,
            "script_seconds": seconds,
            "all_met": all(f.met for f in figures),
        }
        print(json.dumps(out, indent=2))
    else:
        print(format_table(figures, errors, seconds))
    return 0 if all(f.met for f in figures) and not errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
