"""Benchmark of ``sourceguard check`` on a site: cold run, warm re-run, and plain Presidio.

Not a test. The corpus articles are copied, as Markdown, to N files (default 200), each made
unique by a line of its own so the cold run cannot reuse one file's result for another. Then:

1. cold: ``sourceguard check`` with an empty cache (a fresh process: model load included);
2. warm: the same command again, every file unchanged;
3. plain Presidio: a fresh process that loads Presidio's default analyzer with the same spaCy
   model and analyzes the same N texts (what a check without sourceguard would at least cost).

Prints the three wall-clock times, warm/cold speed-up (target: at least 20x) and the cold
check's time as a ratio of plain Presidio's. Only figures are printed, never draft text.

    .venv/bin/python bench/check_cache.py [--dir CORPUS] [--files 200] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
TARGET = 20.0

PLAIN_SCRIPT = """
import sys, pathlib
sys.path.insert(0, {repo!r})
from evaluation.systems import plain_presidio_sanitizer
plain = plain_presidio_sanitizer()
for path in sorted(pathlib.Path({site!r}).rglob("*.md")):
    plain(path.read_text(encoding="utf-8"))
"""


def sourceguard_command() -> list[str]:
    script = Path(sys.executable).with_name("sourceguard")
    return [str(script)] if script.exists() else [sys.executable, "-m", "service.cli"]


def build_site(corpus: Path, site: Path, count: int) -> int:
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"no .txt articles in {corpus}")
    words = 0
    for i in range(count):
        text = texts[i % len(texts)]
        folder = site / "content" / f"section-{i % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        body = f"---\ntitle: Dispatch {i}\n---\n\n{text.strip()}\n\n<!-- build {i} -->\n"
        (folder / f"dispatch-{i:03d}.md").write_text(body, encoding="utf-8")
        words += len(text.split())
    return words


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, timeout=3600)
    return time.perf_counter() - started, done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.dir.is_dir():
        print(f"corpus not found: {args.dir}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="sg-check-bench-") as tmp:
        site = Path(tmp)
        words = build_site(args.dir, site, args.files)
        env = {**os.environ, "SOURCEGUARD_SECRET_KEY": "bench-secret-key-0123456789abcdef"}
        check = [*sourceguard_command(), "check", "content", "--format", "json"]
        cold, cold_rc = timed(check, site, env)
        warm, warm_rc = timed(check, site, env)
        plain_code = PLAIN_SCRIPT.format(repo=str(REPO), site=str(site / "content"))
        plain, plain_rc = timed([sys.executable, "-c", plain_code], site, env)
    if cold_rc not in (0, 1) or warm_rc != cold_rc or plain_rc != 0:
        print(
            f"a run failed: exit codes cold {cold_rc}, warm {warm_rc}, plain {plain_rc}",
            file=sys.stderr,
        )
        return 2
    report = {
        "check_files": args.files,
        "check_words": words,
        "check_cold_s": round(cold, 2),
        "check_warm_s": round(warm, 2),
        "check_warm_speedup": round(cold / warm, 1),
        "check_plain_presidio_s": round(plain, 2),
        "check_cold_vs_plain_presidio": round(cold / plain, 2),
    }
    if args.json:
        print(json.dumps({**report, "targets": {"check_warm_speedup": TARGET}}, indent=2))
    else:
        print(f"{args.files} files, {words} words")
        print(f"check, cold (empty cache, model load included): {cold:8.2f} s")
        print(f"check, warm re-run (all files unchanged):       {warm:8.2f} s")
        print(f"warm re-run speed-up: {cold / warm:.1f}x (target >= {TARGET:g}x)")
        print(f"plain Presidio analyze, same texts, fresh process: {plain:8.2f} s")
        print(f"cold check time / plain Presidio time: {cold / plain:.2f}")
    return 0 if cold / warm >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
