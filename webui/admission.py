"""A bound on the work in one server process: overload is answered (503), not queued.

waitress hands every request it has read to a thread, and queues it without
limit when all its threads are busy: under a flood each request waits behind
all the others and clients time out.  Here at most ``working`` requests run
at once; up to ``waiting`` more wait for a turn, each for at most
``patience`` seconds; any other request is refused at once with 503 and
``Retry-After`` (errors.py).  The server gives waitress enough threads for
both, plus a few that only refuse (server.py), so waitress's own queue stays
empty.  /healthz and static files need no turn: they cost nothing and a
load balancer must be able to tell a busy server from a dead one.
"""

import threading
from dataclasses import dataclass

from flask import Flask, g, request

RETRY_AFTER_SECONDS = 1


class Overloaded(Exception):
    """No turn for this request: too many running and waiting in this process."""


@dataclass(frozen=True)
class Bound:
    working: int  # requests running at once (the server's --threads)
    waiting: int  # requests waiting for a turn (--queue)
    patience: float = 2.0  # seconds a request waits for its turn before it is refused

    @property
    def threads(self) -> int:
        """waitress threads: one per running or waiting request, and two that only refuse."""
        return self.working + self.waiting + 2


class Turns:
    """Counts the requests running and waiting; thread-safe."""

    def __init__(self, bound: Bound):
        self.bound = bound
        self._running = threading.BoundedSemaphore(bound.working)
        self._lock = threading.Lock()
        self._waiting = 0

    def take(self) -> bool:
        """Wait for a turn if there is room to wait; False when the request must be refused."""
        if self._running.acquire(blocking=False):
            return True
        with self._lock:
            if self._waiting >= self.bound.waiting:
                return False
            self._waiting += 1
        try:
            return self._running.acquire(timeout=self.bound.patience)
        finally:
            with self._lock:
                self._waiting -= 1

    def give_back(self) -> None:
        self._running.release()


def register_admission(app: Flask, bound: Bound) -> None:
    turns = Turns(bound)

    @app.before_request
    def admit():
        if request.path == "/healthz" or request.path.startswith("/static/"):
            return
        if not turns.take():
            raise Overloaded()
        g.has_turn = True

    @app.teardown_request
    def release(exc):
        if g.pop("has_turn", False):
            turns.give_back()
