"""Re-screening benchmark: one edited paragraph of a ~3,000-word draft, warm cache vs cold.

Not a test. The draft is the corpus articles joined to about 3,000 words. Cold: the paragraph
cache is emptied and turned off, the draft screened. Warm: the original draft is screened once,
then one paragraph is changed and the draft screened again (only that paragraph is parsed; the
document-level steps run in full). Reports the median of the repetitions and the speed-up
(target >= 10x). Only figures are printed.

    .venv/bin/python bench/incremental.py [--dir CORPUS] [--words 3000] [--reps 5] [--json]
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
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.common import corpus_dir, load_texts  # noqa: E402

TARGET = 10.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--words", type=int, default=3000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    directory = corpus_dir(args.dir)
    if directory is None:
        print("incremental: no corpus found; pass --dir", file=sys.stderr)
        return 2
    from bench.scaling import prose
    from service.pipeline.engine import Engine

    draft = prose(args.words, load_texts(directory))
    paras = draft.split("\n\n")
    engine = Engine.create()
    cache = engine.nlp.cache
    size = cache.size
    engine.analyze(draft)
    cold: list[float] = []
    warm: list[float] = []
    for rep in range(args.reps):
        i = (rep * 7) % len(paras)
        edited = "\n\n".join(
            p + (f" The council met again on day {rep}." if n == i else "")
            for n, p in enumerate(paras)
        )
        cache.size = size
        cache.clear()
        engine.analyze(draft)  # the editor's first screen
        warm.append(_timed(engine.analyze, edited))
        cache.size = 0
        cache.clear()
        cold.append(_timed(engine.analyze, edited))
    cache.size = size
    c, w = statistics.median(t for t, _ in cold), statistics.median(t for t, _ in warm)
    c_cpu, w_cpu = statistics.median(t for _, t in cold), statistics.median(t for _, t in warm)
    figures = {
        "incremental_words": len(draft.split()),
        "incremental_paragraphs": len(paras),
        "incremental_cold_s": c,
        "incremental_warm_s": w,
        "incremental_speedup": c / w,
        "incremental_cold_cpu_s": c_cpu,
        "incremental_warm_cpu_s": w_cpu,
        "incremental_cpu_speedup": c_cpu / w_cpu,
    }
    targets = {"incremental_speedup": TARGET, "incremental_cpu_speedup": TARGET}
    met = all(figures[k] >= v for k, v in targets.items())
    if args.json:
        print(json.dumps({**figures, "targets": targets}, indent=2))
        return 0 if met else 1
    print(
        f"re-screen after a one-paragraph edit ({len(draft.split())} words, {len(paras)} paragraphs)"
    )
    print(f"wall: cold {c:.2f} s, warm {w:.3f} s, speed-up {c / w:.1f}x (target >= {TARGET:g}x)")
    print(
        f"cpu:  cold {c_cpu:.2f} s, warm {w_cpu:.3f} s, speed-up {c_cpu / w_cpu:.1f}x "
        f"(target >= {TARGET:g}x)"
    )
    return 0 if met else 1


def _timed(screen: Callable[[str], object], text: str) -> tuple[float, float]:
    """Wall and CPU seconds of one screen."""
    started, cpu_started = time.perf_counter(), time.process_time()
    screen(text)
    return time.perf_counter() - started, time.process_time() - cpu_started


if __name__ == "__main__":
    sys.exit(main())
