"""``sourceguard serve``: the Flask app under gunicorn.

Workers are sync processes; each builds its own app (and so loads the model and opens the store)
in gunicorn's worker start-up, before it accepts a connection. The master only checks the
configuration and prepares the store, so a bad setting stops the command with a clear message
instead of a crash loop. Gunicorn's access log is off: the app writes its own JSON request
lines, which carry route names rather than raw URLs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

from gunicorn.app.base import BaseApplication

# Not from service.http.metrics: prometheus_client must not be imported before the env var is set.
from service.core.config import METRICS_DIR_ENV as MULTIPROC_ENV
from service.core.config import setting


class SourceguardServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from service.http.app import create_app

        return create_app()


def _child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def run(host: str, port: int, workers: int, timeout: int, log_level: str = "info") -> None:
    """Serve until interrupted. Metrics of all workers are aggregated in a private directory."""
    own_metrics_dir = None
    if not setting(MULTIPROC_ENV):
        own_metrics_dir = tempfile.mkdtemp(prefix="sourceguard-metrics-")
        os.environ[MULTIPROC_ENV] = own_metrics_dir
    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "timeout": timeout,
        "graceful_timeout": 30,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": log_level,
        "preload_app": False,
        "proc_name": "sourceguard",
        "child_exit": _child_exit,
        "backlog": 256,
    }
    try:
        SourceguardServer(options).run()
    finally:
        if own_metrics_dir:
            shutil.rmtree(own_metrics_dir, ignore_errors=True)
