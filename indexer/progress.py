"""Rebuild progress for people: a live bar on a terminal, periodic lines in logs."""

import sys
import time


class ProgressReporter:
    """Callable as ``progress(done, total)``, or ``progress(done, total, per_worker)`` with the
    documents done by each worker of a cluster; writes to ``stream`` (stderr by default)."""

    def __init__(self, stream=None, interval: float | None = None, verb: str = "indexed"):
        self.stream = stream or sys.stderr
        self.verb = verb
        self.live = self.stream.isatty()
        self.interval = interval if interval is not None else (0.2 if self.live else 10.0)
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int, total: int, per_worker: dict[str, int] | None = None) -> None:
        now = time.monotonic()
        if done < total and now - self.last < self.interval:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        eta = (total - done) / rate if rate else 0.0
        workers = ("  [" + ", ".join(f"{name} {count}" for name, count in sorted(per_worker.items())) + "]"
                   if per_worker else "")
        if self.live:
            filled = int(30 * done / total) if total else 30
            bar = "█" * filled + "░" * (30 - filled)
            self.stream.write(f"\r{bar} {done}/{total} docs  {rate:,.0f} docs/s  ETA {_clock(eta)}{workers} ")
            if done >= total:
                self.stream.write("\n")
        else:
            self.stream.write(f"{self.verb} {done}/{total} documents ({rate:,.0f} docs/s, ETA {_clock(eta)}){workers}\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds + 0.5), 60)
    return f"{minutes}:{seconds:02d}"
