"""Archive-scan benchmark: the roster pass and ``--full`` on Ray, beside the plain loop.

Not a test. Generates an archive of invented documents (``bench/archive_corpus.py``, default
20,000) and a roster of invented names, then measures on the same documents in the same run:

- roster pass, plain loop in this process (``ScanWorker.scan`` over every batch, no Ray);
- roster pass on Ray with 1 and with 2 local workers (the whole ``run_scan``: source, actors,
  output, checkpoint), wall-clock and per worker CPU second, and the scaling ratio 2 vs 1;
- ``--full`` (whole engine, policy publish) on a sample of documents (``--full-docs``), plain
  loop vs Ray with the same worker counts, in documents per second.

Words per second *per core* is words divided by the CPU seconds the workers spent, so it holds on
a shared, loaded machine; wall-clock figures depend on what else runs. Prints figures only.

    .venv/bin/python bench/archive_scan.py                      # 20,000 documents
    .venv/bin/python bench/archive_scan.py --documents 5000 --full-docs 40 --json
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

KEY = b"bench-archive-roster-key-0123456789"


def _config(roster_document: dict, full: str) -> Any:
    from service.archive.worker import WorkerConfig
    from service.core.config import derive_key
    from service.pipeline.anonymize import Secrets

    return WorkerConfig(
        roster_document=roster_document,
        roster_key=KEY,
        fingerprint_key=derive_key(KEY, "archive"),
        max_chars=2_000_000,
        full=full,
        secrets=Secrets(hash_key=b"h" * 32, encryption_key=b"e" * 32),
    )


def plain_loop(jsonl: Path, config: Any, batch: int) -> dict[str, float]:
    """Every document through one ``ScanWorker`` in this process: the baseline."""
    from service.archive.sources import JsonlSource
    from service.archive.worker import ScanWorker

    worker = ScanWorker(config)
    worker.ready()
    totals = {"documents": 0, "words": 0, "flagged": 0, "cpu_s": 0.0}

    def run(chunk: list[Any]) -> None:
        out = worker.scan(chunk)
        totals["documents"] += len(chunk)
        totals["words"] += out["words"]
        totals["flagged"] += out["flagged"]
        totals["cpu_s"] += out["cpu"]

    started = time.perf_counter()
    chunk: list[Any] = []
    for raw in JsonlSource(jsonl):
        chunk.append(raw)
        if len(chunk) == batch:
            run(chunk)
            chunk = []
    if chunk:
        run(chunk)
    return {**totals, "wall_s": time.perf_counter() - started}


def on_ray(jsonl: Path, config: Any, workers: int, work: Path) -> dict[str, float]:
    from service.archive.scan import ScanOptions, run_scan
    from service.archive.sources import JsonlSource

    out = work / f"ray-{config.full}-{workers}.jsonl"
    for stale in (out, Path(f"{out}.checkpoint")):
        stale.unlink(missing_ok=True)
    options = ScanOptions(output=out, fmt="jsonl", checkpoint=Path(f"{out}.checkpoint"),
                          resume=False, workers=workers, quiet=True,
                          scan_header={"bench": workers})  # fmt: skip
    # Actors start (and load the engine) before the clock: a long scan pays that once.
    started = time.perf_counter()
    summary = run_scan(options, JsonlSource(jsonl), config)
    wall = time.perf_counter() - started
    return {
        "documents": summary.documents,
        "words": summary.words,
        "flagged": summary.flagged,
        "wall_s": wall,
        "scan_s": summary.seconds,
        "cpu_s": summary.cpu_seconds,
    }


def _write_jsonl(path: Path, documents: list[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for doc_id, text in documents:
            handle.write(json.dumps({"id": doc_id, "text": text}) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--roster-size", type=int, default=200)
    parser.add_argument("--full-docs", type=int, default=60, help="documents for --full (0: skip)")
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    try:
        import ray
    except ImportError:
        sys.stderr.write("bench/archive_scan.py needs the extra: pip install -e '.[archive]'\n")
        return 2
    from bench.archive_corpus import generate
    from service.pipeline.roster import build_roster

    started = time.perf_counter()
    archive = generate(documents=args.documents, roster_size=args.roster_size)
    roster_document = build_roster(archive.plain_roster, KEY)
    report: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_1m": os.getloadavg()[0],
        },
        "archive": {
            "documents": len(archive.documents),
            "words": archive.words,
            "roster_entries": len(roster_document["entries"]),
            "planted": len(archive.planted),
            "generated_s": round(time.perf_counter() - started, 1),
        },
    }
    with tempfile.TemporaryDirectory(prefix="sg-archive-bench-") as tmp:
        work = Path(tmp)
        jsonl = work / "archive.jsonl"
        _write_jsonl(jsonl, archive.documents)
        roster_cfg = _config(roster_document, "none")
        plain = plain_loop(jsonl, roster_cfg, args.batch)
        ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.ERROR,
                 log_to_driver=False, object_store_memory=256 * 1024 * 1024,
                 _node_ip_address="127.0.0.1")  # fmt: skip
        try:
            one = on_ray(jsonl, roster_cfg, 1, work)
            two = on_ray(jsonl, roster_cfg, 2, work)
            report["roster_pass"] = _figures(plain, one, two, "words")
            if args.full_docs:
                sample = work / "sample.jsonl"
                planted = [d for d in archive.documents if d[0] in archive.planted]
                _write_jsonl(sample, (planted + archive.documents)[: args.full_docs])
                full_cfg = _config(roster_document, "all")
                report["full"] = _figures(
                    plain_loop(sample, full_cfg, 10),
                    on_ray(sample, full_cfg, 1, work),
                    on_ray(sample, full_cfg, 2, work),
                    "documents",
                )
        finally:
            ray.shutdown()
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
    else:
        _print(report)
    return 0


def _figures(plain: dict, one: dict, two: dict, unit: str) -> dict[str, Any]:
    def rate(run: dict, seconds: str) -> float:
        return run[unit] / run[seconds] if run[seconds] else 0.0

    out = {
        "unit": f"{unit}/s",
        "plain_loop": {"per_core": rate(plain, "cpu_s"), "wall": rate(plain, "wall_s")},
        "ray_1_worker": {"per_core": rate(one, "cpu_s"), "wall": rate(one, "scan_s")},
        "ray_2_workers": {"per_core": rate(two, "cpu_s"), "wall": rate(two, "scan_s")},
        "documents": plain["documents"],
        "flagged": [plain["flagged"], one["flagged"], two["flagged"]],
    }
    out["scaling_2_vs_1"] = (
        out["ray_2_workers"]["wall"] / out["ray_1_worker"]["wall"]
        if out["ray_1_worker"]["wall"] else None
    )  # fmt: skip
    out["ray_2_vs_plain_loop"] = (
        out["ray_2_workers"]["wall"] / out["plain_loop"]["wall"]
        if out["plain_loop"]["wall"] else None
    )  # fmt: skip
    return out


def _print(report: dict[str, Any]) -> None:
    a = report["archive"]
    print(f"archive: {a['documents']} documents, {a['words']} words, {a['roster_entries']} roster "
          f"entries, {a['planted']} planted; load average {report['machine']['load_average_1m']}")  # fmt: skip
    for tier in ("roster_pass", "full"):
        if tier not in report:
            continue
        f = report[tier]
        print(f"{tier} ({f['unit']}, {f['documents']} documents, flagged {f['flagged']}):")
        for run in ("plain_loop", "ray_1_worker", "ray_2_workers"):
            print(
                f"  {run:14s} per core {f[run]['per_core']:>12,.0f}   wall {f[run]['wall']:>12,.0f}"
            )
        print(f"  scaling 2 vs 1 workers: {f['scaling_2_vs_1']:.2f}x; "
              f"2 workers vs plain loop: {f['ray_2_vs_plain_loop']:.2f}x")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
