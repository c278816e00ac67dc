"""Progress of a scan: a bar with rate and ETA on a terminal, plain lines in CI and in logs.

Only counts are shown, never a document id (an id may be a headline) or any text.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

PLAIN_EVERY_S = 10.0


class Progress:
    def __init__(self, total: int | None, done: int, stream: TextIO | None = None, quiet=False):
        self.stream = stream or sys.stderr
        self.total = total
        self.done = done
        self.flagged = 0
        self.bad = 0
        self.quiet = quiet
        self.started = time.monotonic()
        self.first = done
        self.last_line = 0.0
        self.bar: Any = None
        if self.stream.isatty() and not quiet:  # CI and log files get plain lines
            try:
                from tqdm import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self.bar = tqdm(
                    total=total, initial=done, unit="doc", file=self.stream, dynamic_ncols=True
                )

    def update(self, documents: int, flagged: int, bad: int) -> None:
        self.done += documents
        self.flagged += flagged
        self.bad += bad
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.update(documents)
            self.bar.set_postfix(flagged=self.flagged, bad=self.bad, refresh=False)
            return
        now = time.monotonic()
        if now - self.last_line >= PLAIN_EVERY_S or (self.total and self.done >= self.total):
            self.last_line = now
            self.stream.write(self.line(now) + "\n")
            self.stream.flush()

    def line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        rate = (self.done - self.first) / elapsed
        where = f"{self.done}/{self.total}" if self.total is not None else f"{self.done}"
        share = f" ({100 * self.done / self.total:.0f}%)" if self.total else ""
        eta = ""
        if self.total and rate > 0 and self.done < self.total:
            eta = f", ETA {(self.total - self.done) / rate:.0f} s"
        return (
            f"sourceguard archive: {where} documents{share}, {rate:.0f} docs/s{eta}, "
            f"flagged {self.flagged}, bad {self.bad}"
        )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
