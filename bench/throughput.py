"""Throughput benchmark: sourceguard ``Engine.sanitize`` vs plain Presidio analyze+anonymize.

Not a test. Both systems run on the same texts in the same process with the same spaCy model,
after a warm-up, in alternating order per repetition (so drift such as CPU frequency or cache
state hits both). Prints words/second for each system and the ratio sourceguard/plain.

    .venv/bin/python bench/throughput.py                # corpus in ../shared/corpus
    .venv/bin/python bench/throughput.py --dir DIR --reps 5 --json

Only figures are printed, never text from the drafts.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
if str(REPO) not in sys.path:  # runnable from a checkout without `pip install -e .`
    sys.path.insert(0, str(REPO))

SOURCEGUARD = "sourceguard"
PLAIN = "plain-presidio"
TARGET = 2.0


def word_count(text: str) -> int:
    return len(text.split())


def load_texts(directory: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.txt")) if p.is_file()]


def build_long_text(texts: list[str], target_words: int) -> str:
    """Concatenate the articles (repeating them) into one draft of at least ``target_words``."""
    parts: list[str] = []
    words = 0
    while words < target_words:
        for text in texts:
            parts.append(text.strip())
            words += word_count(text)
            if words >= target_words:
                break
    return "\n\n".join(parts) + "\n"


def measure(
    systems: dict[str, Callable[[str], object]], texts: list[str], reps: int
) -> dict[str, dict[str, float]]:
    """Words per wall-clock and per CPU second for each system (medians over repetitions).

    Each repetition runs every text, systems in alternating order. CPU seconds are this process's
    (``time.process_time``): on a machine shared with other jobs they move far less than wall
    time, so the CPU ratio is the steadier of the two.
    """
    words = sum(word_count(t) for t in texts)
    wall: dict[str, list[float]] = {name: [] for name in systems}
    cpu: dict[str, list[float]] = {name: [] for name in systems}
    names = list(systems)
    for rep in range(reps):
        order = names if rep % 2 == 0 else names[::-1]
        for name in order:
            run = systems[name]
            started, cpu_started = time.perf_counter(), time.process_time()
            for text in texts:
                run(text)
            elapsed, cpu_elapsed = time.perf_counter() - started, time.process_time() - cpu_started
            wall[name].append(words / elapsed if elapsed > 0 else float("inf"))
            cpu[name].append(words / cpu_elapsed if cpu_elapsed > 0 else float("inf"))
    return {
        name: {
            "words_per_second": statistics.median(wall[name]),
            "words_per_cpu_second": statistics.median(cpu[name]),
        }
        for name in systems
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dir", type=Path, help=f"directory of .txt drafts (default: {DEFAULT_CORPUS})"
    )
    parser.add_argument("--reps", type=int, default=3, help="repetitions per text set (default 3)")
    parser.add_argument(
        "--long-words", type=int, default=50_000, help="size of the long draft (default 50000)"
    )
    parser.add_argument("--no-long", action="store_true", help="skip the long draft")
    parser.add_argument("--policy", default="publish", help="sourceguard policy (default publish)")
    parser.add_argument("--model", help="spaCy model for both systems (default: configured)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return parser.parse_args(argv)


def fail(message: str) -> int:
    print(f"throughput: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    directory = args.dir or DEFAULT_CORPUS
    if not directory.is_dir():
        if args.dir is None:
            return fail(
                f"default corpus directory {DEFAULT_CORPUS} not found; pass --dir DIR with "
                ".txt drafts"
            )
        return fail(f"directory {directory} not found")
    texts = load_texts(directory)
    if not texts:
        return fail(f"no .txt drafts in {directory}")
    if args.reps < 1:
        return fail("--reps must be at least 1")

    try:
        from service.pipeline.engine import Engine
    except ImportError as exc:
        return fail(f"service.pipeline.engine is not available ({type(exc).__name__}: {exc})")
    from evaluation.systems import plain_presidio_sanitizer
    from service.core.config import configured_model_name
    from service.core.errors import ConfigurationError, SourceguardError

    model = args.model or configured_model_name()
    try:
        engine = Engine.create(model_name=model)
        engine.nlp.cache.size = 0  # cold figures: no paragraph served from the re-screening cache
        plain = plain_presidio_sanitizer(model)
    except ConfigurationError as exc:
        return fail(f"configuration error: {exc}")

    systems: dict[str, Callable[[str], object]] = {
        SOURCEGUARD: lambda text: engine.sanitize(text, policy=args.policy),
        PLAIN: plain,
    }
    for run in systems.values():  # warm-up: model caches, regex compilation, lazy loads
        for text in texts[:3]:
            run(text)

    sets = {"corpus": texts}
    if not args.no_long:
        sets["long"] = [build_long_text(texts, args.long_words)]

    figures: dict[str, float] = {}
    targets: dict[str, float] = {}
    for set_name, set_texts in sets.items():
        try:
            measured = measure(systems, set_texts, args.reps)
        except SourceguardError as exc:  # e.g. the long draft exceeds SOURCEGUARD_MAX_CHARS
            return fail(f"sourceguard refused the {set_name} set: {type(exc).__name__}: {exc}")
        sg, pp = measured[SOURCEGUARD], measured[PLAIN]
        prefix = f"throughput_{set_name}"
        figures[f"{prefix}_words"] = sum(word_count(t) for t in set_texts)
        figures[f"{prefix}_sourceguard_wps"] = sg["words_per_second"]
        figures[f"{prefix}_plain_wps"] = pp["words_per_second"]
        figures[f"{prefix}_ratio"] = sg["words_per_second"] / pp["words_per_second"]
        figures[f"{prefix}_sourceguard_cpu_wps"] = sg["words_per_cpu_second"]
        figures[f"{prefix}_plain_cpu_wps"] = pp["words_per_cpu_second"]
        figures[f"{prefix}_cpu_ratio"] = sg["words_per_cpu_second"] / pp["words_per_cpu_second"]
        targets[f"{prefix}_ratio"] = TARGET
        targets[f"{prefix}_cpu_ratio"] = TARGET

    if args.json:
        print(json.dumps({**figures, "targets": targets}, indent=2))
        return 0
    print(f"model {model}, policy {args.policy}, {args.reps} repetitions (median words/second)")
    print(
        f"{'set':<8} {'words':>8} {'sourceguard':>12} {'plain':>8} {'ratio':>7}   "
        f"{'cpu: sg':>8} {'plain':>8} {'ratio':>7}  target"
    )
    for set_name in sets:
        f = {
            k[len(f"throughput_{set_name}_") :]: v
            for k, v in figures.items()
            if k.startswith(f"throughput_{set_name}_")
        }
        print(
            f"{set_name:<8} {f['words']:>8} {f['sourceguard_wps']:>12,.0f} {f['plain_wps']:>8,.0f} "
            f"{f['ratio']:>6.2f}x   {f['sourceguard_cpu_wps']:>8,.0f} {f['plain_cpu_wps']:>8,.0f} "
            f"{f['cpu_ratio']:>6.2f}x  >= {TARGET}x"
        )
    print(
        "ratio = sourceguard / plain Presidio words per second, wall clock and CPU (higher is faster)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
