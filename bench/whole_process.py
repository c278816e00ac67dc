"""Whole-process benchmark: ``sourceguard sanitize FILE`` vs a plain-Presidio process on FILE.

Not a test. Each run is a fresh subprocess, so interpreter start, imports and the model load are
included: what a user of the command line pays. Two inputs, each written to a temporary file:

* ``corpus``: every article of the corpus once, joined by blank lines into one draft (one process
  screens them all, as ``sourceguard sanitize`` takes one file);
* ``long``: the articles repeated to about 50,000 words (``--long-words``).

The plain-Presidio process (:data:`PLAIN_SCRIPT`) loads the baseline of ``evaluation/systems.py``
(Presidio's default analyzer and anonymizer on the same spaCy model), reads the same file, runs
analyze + anonymize and writes the anonymized text to stdout, as ``sourceguard sanitize`` does.
Both outputs go to ``/dev/null``. Runs alternate which system goes first; the figures are the
medians over ``--reps`` of wall-clock seconds and of the child's CPU seconds (user + system, from
``wait4``; less sensitive to a shared machine than wall time). ``ratio`` = plain / sourceguard
(above 1: sourceguard is faster). Only figures are printed, never draft text.

    .venv/bin/python bench/whole_process.py [--dir CORPUS] [--reps 3] [--long-words 50000] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.common import corpus_dir, load_texts, word_count  # noqa: E402

TARGET = 1.5
PLAIN_SCRIPT = """
import sys
sys.path.insert(0, {repo!r})
from evaluation.systems import plain_presidio_sanitizer
text = open(sys.argv[1], encoding="utf-8").read()
sanitized, _ = plain_presidio_sanitizer()(text)
sys.stdout.write(sanitized)
"""


def joined(texts: list[str], target_words: int = 0) -> str:
    """The articles joined by blank lines, repeated until ``target_words`` (0: each once)."""
    parts: list[str] = []
    words = 0
    while True:
        for text in texts:
            parts.append(text.strip())
            words += word_count(text)
            if target_words and words >= target_words:
                return "\n\n".join(parts) + "\n"
        if not target_words:
            return "\n\n".join(parts) + "\n"


def run(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one child process; raises if it fails.

    The paragraph cache is off (``SOURCEGUARD_NLP_CACHE_PARAGRAPHS=0``): the long draft repeats
    the articles, and serving its repeats from the cache would flatter sourceguard.
    """
    env = {**os.environ, "SOURCEGUARD_NLP_CACHE_PARAGRAPHS": "0"}
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        proc = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{command[1]} exited with {proc.returncode}: {stderr[-300:]}")
    return wall, usage.ru_utime + usage.ru_stime


def commands(path: Path) -> dict[str, list[str]]:
    exe = Path(sys.executable)
    sourceguard = exe.with_name("sourceguard")
    sg = [str(sourceguard)] if sourceguard.exists() else [str(exe), "-m", "service.cli"]
    return {
        "sourceguard": [*sg, "sanitize", str(path), "--input-format", "plain"],
        "plain": [str(exe), "-c", PLAIN_SCRIPT.format(repo=str(REPO)), str(path)],
    }


def measure(path: Path, reps: int) -> dict[str, float]:
    cmds = commands(path)
    walls: dict[str, list[float]] = {name: [] for name in cmds}
    cpus: dict[str, list[float]] = {name: [] for name in cmds}
    names = list(cmds)
    for rep in range(reps):
        for name in names if rep % 2 == 0 else names[::-1]:
            wall, cpu = run(cmds[name])
            walls[name].append(wall)
            cpus[name].append(cpu)
    sg_wall, pp_wall = statistics.median(walls["sourceguard"]), statistics.median(walls["plain"])
    sg_cpu, pp_cpu = statistics.median(cpus["sourceguard"]), statistics.median(cpus["plain"])
    return {
        "sourceguard_wall_s": sg_wall,
        "plain_wall_s": pp_wall,
        "wall_ratio": pp_wall / sg_wall,
        "sourceguard_cpu_s": sg_cpu,
        "plain_cpu_s": pp_cpu,
        "cpu_ratio": pp_cpu / sg_cpu,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="directory of .txt drafts")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--long-words", type=int, default=50_000)
    parser.add_argument("--no-long", action="store_true", help="skip the long draft")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    directory = corpus_dir(args.dir)
    texts = load_texts(directory) if directory else []
    if not texts:
        print("whole_process: no corpus found; pass --dir", file=sys.stderr)
        return 2
    inputs = {"corpus": joined(texts)}
    if not args.no_long:
        inputs["long"] = joined(texts, args.long_words)
    figures: dict[str, object] = {}
    targets: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="sg-bench-") as tmp:
        for name, text in inputs.items():
            path = Path(tmp) / f"{name}.txt"
            path.write_text(text, encoding="utf-8")
            figures[f"whole_process_{name}_words"] = word_count(text)
            for key, value in measure(path, args.reps).items():
                figures[f"whole_process_{name}_{key}"] = value
            targets[f"whole_process_{name}_wall_ratio"] = TARGET
            targets[f"whole_process_{name}_cpu_ratio"] = TARGET
    met = all(float(figures[k]) >= v for k, v in targets.items())  # type: ignore[arg-type]
    if args.json:
        print(json.dumps({**figures, "targets": targets}, indent=2))
        return 0 if met else 1
    print(f"whole process, model load included, median of {args.reps} (seconds)")
    for name in inputs:
        f = {k.split(f"whole_process_{name}_", 1)[1]: v for k, v in figures.items() if name in k}
        print(
            f"{name:<7} {f['words']:>6} words  wall: sourceguard {f['sourceguard_wall_s']:.2f} "
            f"plain {f['plain_wall_s']:.2f} = {f['wall_ratio']:.2f}x  cpu: sourceguard "
            f"{f['sourceguard_cpu_s']:.2f} plain {f['plain_cpu_s']:.2f} = {f['cpu_ratio']:.2f}x "
            f"(target >= {TARGET}x)"
        )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
