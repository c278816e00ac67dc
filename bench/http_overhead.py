"""HTTP overhead: request-to-response time of ``POST /v1/sanitize`` vs the engine's own time.

Not a test. Starts the real service (``sourceguard serve``: gunicorn, one worker by default, the
embedded SQLite audit store in a temporary data dir, an editor token written to that store
before the start), then posts every corpus article N times over one keep-alive connection.
The engine's time comes from the service itself: the ``Server-Timing`` header of each response
(``roster``, ``engine``, ``audit`` and ``app`` = the whole request inside the app). Per request
the overhead is ``(request - engine) / engine``, where ``request`` is the wall time the client
saw, from sending the request to reading the whole response. Reported: the median over the
articles of each article's median overhead (target <= 20%), the overall ratio
(sum of overheads / sum of engine times), and where the overhead goes (median milliseconds).

The paragraph cache is off in the service by default (``--cache`` keeps it): repeated posts of
the same article would otherwise be served from it and the engine time would shrink to the
document-level steps. Only figures are printed, never text.

    .venv/bin/python bench/http_overhead.py [--dir CORPUS] [--reps 3] [--workers 1] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.common import corpus_dir, isolated_env, sourceguard_command  # noqa: E402

TARGET_OVERHEAD = 0.20
SECRET = "bench-http-overhead-secret-0123456789ab"
WARM_UP_TEXT = "Warm-up: Karam Haddad, a nurse, said the clinic in the old town was shelled."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def parse_server_timing(value: str) -> dict[str, float]:
    """``name;dur=ms, ...`` → {name: seconds}."""
    out: dict[str, float] = {}
    for part in value.split(","):
        name, _, params = part.strip().partition(";")
        for param in params.split(";"):
            key, _, raw = param.strip().partition("=")
            if key == "dur":
                out[name.strip()] = float(raw) / 1000
    return out


class Service:
    """``sourceguard serve`` in its own process group with a throw-away data dir."""

    def __init__(self, data_dir: Path, workers: int, threads: int, cache: bool) -> None:
        self.port = free_port()
        self.env = isolated_env(data_dir, SECRET, SOURCEGUARD_THREADS=str(threads))
        if not cache:
            self.env["SOURCEGUARD_NLP_CACHE_PARAGRAPHS"] = "0"
        self.workers = workers
        self.log_path = data_dir / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def editor_token(self) -> str:
        """Written to the store in this process: ``token create`` would load the model once more
        to screen the token's name."""
        from service.audit.store import open_store
        from service.core.config import Config

        config = Config.from_env(environ=self.env)
        store = open_store(config.database_url, chain_key=config.key("chain"))
        try:
            return store.create_token("bench-editor", "editor")[0]
        finally:
            store.close()

    def start(self, timeout: float) -> None:
        serve = ["serve", "--port", str(self.port), "--workers", str(self.workers)]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [*sourceguard_command(), *serve],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the service exited early (status {self.proc.returncode})")
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/readyz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            time.sleep(0.5)
        raise RuntimeError(f"the service was not ready after {timeout:.0f} s")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


class Client:
    """One keep-alive connection; reconnects once if the server closed it."""

    def __init__(self, port: int, token: str, policy: str) -> None:
        self.port, self.policy = port, policy
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def sanitize(self, text: str) -> tuple[float, dict[str, float]]:
        """(client wall seconds, Server-Timing steps in seconds)."""
        body = json.dumps({"text": text, "policy": self.policy}).encode("utf-8")
        for attempt in (1, 2):
            try:
                started = time.perf_counter()
                self.conn.request("POST", "/v1/sanitize", body=body, headers=self.headers)
                response = self.conn.getresponse()
                response.read()
                wall = time.perf_counter() - started
                break
            except (http.client.RemoteDisconnected, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
                if attempt == 2:
                    raise
        if response.status != 200:
            raise RuntimeError(f"POST /v1/sanitize answered {response.status}")
        steps = parse_server_timing(response.getheader("Server-Timing") or "")
        if "engine" not in steps:
            raise RuntimeError("the response has no Server-Timing engine duration")
        return wall, steps


def measure(client: Client, texts: list[str], reps: int) -> list[dict[str, float]]:
    """Per article: medians of the request, its steps, and the overhead ratio."""
    rows: list[dict[str, float]] = []
    for text in texts:
        samples = [client.sanitize(text) for _ in range(reps)]
        ratios = [(wall - steps["engine"]) / steps["engine"] for wall, steps in samples]
        row = {
            "words": float(len(text.split())),
            "request_ms": statistics.median(wall for wall, _ in samples) * 1000,
            "overhead_ratio": statistics.median(ratios),
        }
        for step in ("roster", "engine", "audit", "app"):
            row[f"{step}_ms"] = statistics.median(s.get(step, 0.0) for _, s in samples) * 1000
        rows.append(row)
    return rows


def summarize(rows: list[dict[str, float]]) -> dict[str, object]:
    def med(key: str) -> float:
        return round(statistics.median(r[key] for r in rows), 2)

    engine = sum(r["engine_ms"] for r in rows)
    request = sum(r["request_ms"] for r in rows)
    inside_other = [r["app_ms"] - r["roster_ms"] - r["engine_ms"] - r["audit_ms"] for r in rows]
    outside = [r["request_ms"] - r["app_ms"] for r in rows]
    median_ratio = statistics.median(r["overhead_ratio"] for r in rows)
    return {
        "articles": len(rows),
        "median_overhead_ratio": round(median_ratio, 4),
        "max_overhead_ratio": round(max(r["overhead_ratio"] for r in rows), 4),
        "overall_overhead_ratio": round((request - engine) / engine, 4),
        "median_request_ms": med("request_ms"),
        "median_engine_ms": med("engine_ms"),
        "median_roster_ms": med("roster_ms"),
        "median_audit_ms": med("audit_ms"),
        "median_app_other_ms": round(statistics.median(inside_other), 2),
        "median_outside_app_ms": round(statistics.median(outside), 2),
        "target_overhead_ratio": TARGET_OVERHEAD,
        "met": median_ratio <= TARGET_OVERHEAD,
    }


def format_report(report: dict[str, object]) -> str:
    s = report["summary"]  # type: ignore[index]
    return "\n".join(
        [
            f"HTTP overhead of POST /v1/sanitize, {s['articles']} articles x {report['reps']} "  # type: ignore[index]
            f"(service: {report['workers']} worker(s), paragraph cache "
            f"{'on' if report['cache'] else 'off'}, policy {report['policy']})",
            f"median per article: request {s['median_request_ms']:.1f} ms, engine "  # type: ignore[index]
            f"{s['median_engine_ms']:.1f} ms",
            f"  roster refresh {s['median_roster_ms']:.2f} ms, audit write "  # type: ignore[index]
            f"{s['median_audit_ms']:.2f} ms, rest of the app (auth, parsing, JSON) "
            f"{s['median_app_other_ms']:.2f} ms, outside the app (gunicorn, socket, client) "
            f"{s['median_outside_app_ms']:.2f} ms",
            f"overhead (request - engine) / engine: median {s['median_overhead_ratio']:.1%}, "  # type: ignore[index]
            f"max {s['max_overhead_ratio']:.1%}, overall {s['overall_overhead_ratio']:.1%} "
            f"(target <= {TARGET_OVERHEAD:.0%}): {'met' if s['met'] else 'NOT met'}",
        ]
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="folder of .txt articles (default: the corpus)")
    parser.add_argument("--reps", type=int, default=3, help="posts per article (default 3)")
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers (default 1)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (default 8)")
    parser.add_argument("--policy", default="publish")
    parser.add_argument("--cache", action="store_true", help="keep the paragraph cache on")
    parser.add_argument("--startup-timeout", type=float, default=300.0)
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    directory = corpus_dir(args.dir)
    if directory is None:
        print("http_overhead: no corpus found; pass --dir", file=sys.stderr)
        return 2
    texts = [p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.txt"))]
    texts = [t for t in texts if t.strip()][: args.limit]
    if not texts or args.reps < 1:
        print("http_overhead: no .txt articles, or --reps below 1", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="sg-http-bench-") as tmp:
        service = Service(Path(tmp) / "data", args.workers, args.threads, args.cache)
        try:
            token = service.editor_token()
            service.start(args.startup_timeout)
            client = Client(service.port, token, args.policy)
            for _ in range(2):  # first calls: regex compilation, lazy loads, SQLite pages
                client.sanitize(WARM_UP_TEXT)
            rows = measure(client, texts, args.reps)
        except RuntimeError as exc:
            print(f"http_overhead: {exc}", file=sys.stderr)
            return 2
        finally:
            service.stop()
    report = {
        "reps": args.reps,
        "workers": args.workers,
        "cache": args.cache,
        "policy": args.policy,
        "summary": summarize(rows),
        "articles": [{k: round(v, 4) for k, v in r.items()} for r in rows],
    }
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0 if report["summary"]["met"] else 1  # type: ignore[index]


if __name__ == "__main__":
    raise SystemExit(main())
