"""Scaling benchmark: time and peak memory of ``Engine.analyze`` on pathological inputs.

Not a test. Each row of issue 14's table is generated at 1x, 2x and 4x its base size, screened
in-process (model loaded once, warmed up), and reported with wall-clock seconds, the peak memory
the call added (Linux ``VmHWM``, reset before each call), and the exponent of a least-squares fit
of log(time) on log(size): 1.0 is linear, 2.0 quadratic. Targets: every exponent <= 1.15 and no
40 kB input over 2 s. Plain Presidio (its defaults, same model) screens the same 40 kB input in a
child process with a time limit, side by side.

    .venv/bin/python bench/scaling.py [--dir CORPUS] [--rows hyphen,word] [--quick] [--json]

Inputs are generated (invented syllable names) except the "prose" row, which repeats the corpus
articles. Only figures are printed, never text.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.common import corpus_dir, load_texts  # noqa: E402

MAX_EXPONENT = 1.15
MAX_40KB_SECONDS = 2.0
PLAIN_TIMEOUT = 120.0
_SYLLABLES = ("ka ri mo sa li na da ru te vo zi be lo fa gu hi ne ta so mi").split()


def invented_name(rnd: random.Random) -> str:
    return "".join(rnd.choice(_SYLLABLES) for _ in range(rnd.randint(2, 3))).capitalize()


def hyphen_chain(chars: int, texts: list[str]) -> str:
    """One capitalised name chained with al- and hyphens, no spaces ("Name-al-Name-al-...")."""
    return ("Karam-al-" * (chars // 9 + 1))[:chars]


def one_word(chars: int, texts: list[str]) -> str:
    return "K" + "a" * (chars - 1)


def quotes(chars: int, texts: list[str]) -> str:
    return '"' * chars


def prose(words: int, texts: list[str]) -> str:
    """The corpus articles repeated to ``words`` words (paragraph breaks between them)."""
    parts: list[str] = []
    count = 0
    while count < words:
        for text in texts:
            parts.append(text.strip())
            count += len(text.split())
            if count >= words:
                break
    return "\n\n".join(parts) + "\n"


def distinct_names(words: int, texts: list[str]) -> str:
    """Sentences each naming a different invented person, with speech verbs and roles."""
    rnd = random.Random(14)
    sentences: list[str] = []
    count = 0
    templates = (
        "{a} {b} said the road to the market was closed again.",
        "According to {a} {b}, a nurse, the clinic had no fuel.",
        "{a} {b}, 34, told reporters that {c} had been detained.",
    )
    while count < words:
        s = rnd.choice(templates).format(
            a=invented_name(rnd), b=invented_name(rnd), c=invented_name(rnd)
        )
        sentences.append(s)
        count += len(s.split())
        if len(sentences) % 6 == 0:
            sentences.append("\n\n")
    return " ".join(sentences)


@dataclass(frozen=True)
class Row:
    name: str
    label: str
    unit: str  # "chars" or "words"
    base: int
    make: Callable[[int, list[str]], str]
    needs_corpus: bool = False


ROWS = (
    Row("hyphen", "hyphen-chained capitalised name", "chars", 2000, hyphen_chain),
    Row("word", "one capitalised word", "chars", 10_000, one_word),
    Row("prose", "prose with names", "words", 50_000, prose, needs_corpus=True),
    Row("distinct", "distinct names", "words", 5_000, distinct_names),
    Row("quotes", '`"` repeated', "chars", 25_000, quotes),
)


def _hwm_kib() -> int | None:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    match = re.search(r"VmHWM:\s+(\d+)", status)
    return int(match.group(1)) if match else None


def _reset_hwm() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _rss_kib() -> int | None:
    match = re.search(r"VmRSS:\s+(\d+)", Path("/proc/self/status").read_text())
    return int(match.group(1)) if match else None


def measure_once(run: Callable[[str], object], text: str) -> tuple[float, float | None]:
    """Seconds and peak MiB added by one call (None where the kernel cannot tell)."""
    base = _rss_kib() if _reset_hwm() else None
    started = time.perf_counter()
    run(text)
    seconds = time.perf_counter() - started
    peak = _hwm_kib()
    mib = (peak - base) / 1024 if base is not None and peak is not None else None
    return seconds, mib


def fit_exponent(sizes: list[int], seconds: list[float]) -> float:
    xs = [math.log(s) for s in sizes]
    ys = [math.log(max(t, 1e-6)) for t in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    num = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    den = sum((x - mx) ** 2 for x in xs)
    return num / den if den else float("nan")


PLAIN_CHILD = """
import sys, time
sys.path.insert(0, {repo!r})
from evaluation.systems import plain_presidio_sanitizer
plain = plain_presidio_sanitizer({model!r})
plain("Warm-up text about Karam Haddad in the market.")
text = sys.stdin.read()
t = time.perf_counter(); plain(text); print(time.perf_counter() - t)
"""


def plain_seconds(text: str, model: str, timeout: float) -> float | None:
    """Plain Presidio on ``text`` in a child process; None when it exceeds ``timeout``."""
    code = PLAIN_CHILD.format(repo=str(REPO), model=model)
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            input=text,
            capture_output=True,
            text=True,
            timeout=timeout + 60,  # model load on top of the call itself
        )
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        raise RuntimeError("plain Presidio child failed")
    seconds = float(done.stdout.strip().splitlines()[-1])
    return seconds if seconds <= timeout else None


def run_rows(
    engine: object,
    rows: list[Row],
    texts: list[str],
    reps: int,
    scale: float,
    plain_model: str | None,
) -> list[dict[str, object]]:
    analyze = lambda text: engine.analyze(text)  # type: ignore[attr-defined]  # noqa: E731
    out: list[dict[str, object]] = []
    for row in rows:
        base = max(1, int(row.base * scale))
        sizes = [base, 2 * base, 4 * base]
        seconds: list[float] = []
        memory: list[float | None] = []
        for size in sizes:
            text = row.make(size, texts)
            runs = [measure_once(analyze, text) for _ in range(reps if size == base else 1)]
            best = min(runs, key=lambda r: r[0])
            seconds.append(best[0])
            memory.append(best[1])
        text_40k = row.make(40_000, texts)[:40_000]
        t40, _ = measure_once(analyze, text_40k)
        result: dict[str, object] = {
            "row": row.name,
            "input": row.label,
            "unit": row.unit,
            "sizes": sizes,
            "seconds": [round(s, 3) for s in seconds],
            "peak_mib": [None if m is None else round(m, 1) for m in memory],
            "exponent": round(fit_exponent(sizes, seconds), 2),
            "seconds_40kB": round(t40, 3),
        }
        if plain_model:
            plain = plain_seconds(text_40k, plain_model, PLAIN_TIMEOUT)
            result["plain_presidio_40kB_seconds"] = None if plain is None else round(plain, 3)
        result["ok"] = bool(
            result["exponent"] <= MAX_EXPONENT and t40 <= MAX_40KB_SECONDS  # type: ignore[operator]
        )
        out.append(result)
    return out


def _k(n: int) -> str:
    return f"{n / 1000:g}k" if n >= 1000 else str(n)


def format_rows(rows: list[dict[str, object]]) -> str:
    lines = [
        "scaling (in-process Engine.analyze; time in s, peak MiB added, fitted exponent)",
        f"{'input':<34} {'sizes':<22} {'seconds':<24} {'peak MiB':<18} {'exp':>5} "
        f"{'40kB s':>7} {'plain 40kB':>10} {'ok':>3}",
    ]
    for r in rows:
        sizes = "/".join(_k(s) for s in r["sizes"]) + f" {r['unit']}"  # type: ignore[union-attr]
        secs = " / ".join(f"{s:.2f}" for s in r["seconds"])  # type: ignore[union-attr]
        mem = " / ".join("?" if m is None else f"{m:.0f}" for m in r["peak_mib"])  # type: ignore[union-attr]
        plain = r.get("plain_presidio_40kB_seconds", "n/a")
        plain_s = (
            f">{PLAIN_TIMEOUT:.0f}"
            if "plain_presidio_40kB_seconds" in r and plain is None
            else (f"{plain:.2f}" if isinstance(plain, float) else str(plain))
        )
        lines.append(
            f"{r['input']:<34} {sizes:<22} {secs:<24} {mem:<18} {r['exponent']:>5.2f} "
            f"{r['seconds_40kB']:>7.2f} {plain_s:>10} {'yes' if r['ok'] else 'NO':>3}"
        )
    lines.append(f"targets: exponent <= {MAX_EXPONENT}, a 40 kB input <= {MAX_40KB_SECONDS:.0f} s")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, help="corpus of .txt articles for the prose row")
    parser.add_argument(
        "--rows", help="comma-separated subset of " + ",".join(r.name for r in ROWS)
    )
    parser.add_argument("--reps", type=int, default=2, help="repetitions of the 1x size (min)")
    parser.add_argument("--quick", action="store_true", help="quarter sizes (a smoke run)")
    parser.add_argument("--no-plain", action="store_true", help="skip plain Presidio")
    parser.add_argument("--model", help="spaCy model (default: configured)")
    parser.add_argument("--json", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None, engine: object | None = None) -> int:
    args = parse_args(argv)
    wanted = set(args.rows.split(",")) if args.rows else {r.name for r in ROWS}
    rows = [r for r in ROWS if r.name in wanted]
    texts: list[str] = []
    if any(r.needs_corpus for r in rows):
        directory = corpus_dir(args.dir)
        if directory is None:
            print("scaling: no corpus found for the prose row; pass --dir", file=sys.stderr)
            return 2
        texts = load_texts(directory)
    from service.core.config import configured_model_name
    from service.pipeline.engine import Engine

    model = args.model or configured_model_name()
    if engine is None:
        engine = Engine.create(model_name=model)
        engine.nlp.cache.size = 0  # cold parsing: no paragraph is served from the cache
    engine.analyze("Warm-up: Karam Haddad, a nurse, said the clinic was shelled.")  # type: ignore[attr-defined]
    results = run_rows(
        engine,
        rows,
        texts,
        args.reps,
        0.25 if args.quick else 1.0,
        None if args.no_plain else model,
    )
    print(json.dumps(results, indent=2) if args.json else format_rows(results))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
