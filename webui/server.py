"""Serving the app with waitress, in several processes so that searches use every core.

Searching is Python work that holds the GIL, so one process answers with one
core however many threads it has (bench/latency.py: 54 requests/s at 8
clients on corpus-large with one process).  The parent binds the port once,
then forks worker processes that each run waitress on the shared listening
socket; the kernel hands each connection to one of them.  The parent only
supervises: a worker that dies is replaced, and SIGTERM or Ctrl-C stops all.

Workers open the index themselves after the fork (a file position shared
across processes would corrupt reads); pyvi's model is loaded before it, so
its memory is shared.

Each worker bounds its own work (admission.py: ``threads`` searches at once,
``queue`` more waiting, 503 beyond) and trusts X-Forwarded-For, -Proto and
-Host only from ``trusted_proxy``'s address (waitress applies them; from
anyone else they are removed), so behind deploy/'s nginx the app sees the
real client.
"""

import logging
import os
import signal
import socket
import sys
from pathlib import Path

import waitress

from webui import create_app
from webui.admission import Bound

log = logging.getLogger("timkiem.server")


PROXY_HEADERS = {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"}


def serve(index_dir: Path, host: str, port: int, threads: int, processes: int, queue: int = 16,
          trusted_proxy: str | None = None, time_budget: float | None = None, access_log: Path | None = None) -> None:
    """Serve until SIGTERM or Ctrl-C: ``processes`` workers, each running ``threads`` requests
    at once and letting ``queue`` more wait; ``time_budget`` seconds per search."""
    listener = socket.create_server((host, port), backlog=1024)
    print(f"timkiem serving http://{host}:{port}/ (index: {index_dir}; {processes} process"
          f"{'es' if processes > 1 else ''} × {threads} threads, {queue} waiting at most"
          f"{f'; trusting X-Forwarded-For from {trusted_proxy}' if trusted_proxy else ''}); Ctrl-C stops it",
          file=sys.stderr, flush=True)
    worker = dict(config={"INDEX_DIR": index_dir, "ADMISSION": Bound(threads, queue),
                          "SEARCH_TIME_BUDGET": time_budget, "ACCESS_LOG": access_log}, trusted_proxy=trusted_proxy)
    if processes == 1:
        _run_worker(listener, **worker)
        return
    from indexer.analysis import segment

    segment("khởi động")  # load pyvi's model once, shared by the forked workers
    workers: set[int] = set()
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True
        for pid in workers:
            _signal(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(processes):
        workers.add(_fork_worker(listener, worker))
    while workers:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        workers.discard(pid)
        if not stopping:
            print(f"timkiem: worker {pid} ended ({_describe(status)}); starting another", file=sys.stderr)
            workers.add(_fork_worker(listener, worker))
    listener.close()


def _fork_worker(listener: socket.socket, worker: dict) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
        _run_worker(listener, **worker)
    except BaseException:  # noqa: BLE001 - report, then leave without running the parent's code
        log.exception("worker failed")
        code = 1
    finally:
        os._exit(code)


def _run_worker(listener: socket.socket, config: dict, trusted_proxy: str | None) -> None:
    app = create_app(config)
    proxy = dict(trusted_proxy=trusted_proxy, trusted_proxy_headers=PROXY_HEADERS) if trusted_proxy else {}
    waitress.create_server(app, sockets=[listener], threads=config["ADMISSION"].threads, ident="timkiem",
                           clear_untrusted_proxy_headers=True, **proxy).run()


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
