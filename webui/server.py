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
"""

import logging
import os
import signal
import socket
import sys
from pathlib import Path

import waitress

from webui import create_app

log = logging.getLogger("timkiem.server")


def serve(index_dir: Path, host: str, port: int, threads: int, processes: int) -> None:
    listener = socket.create_server((host, port), backlog=1024)
    print(f"timkiem serving http://{host}:{port}/ (index: {index_dir}; {processes} process"
          f"{'es' if processes > 1 else ''} × {threads} threads); Ctrl-C stops it", file=sys.stderr, flush=True)
    if processes == 1:
        _run_worker(listener, index_dir, threads)
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
        workers.add(_fork_worker(listener, index_dir, threads))
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
            workers.add(_fork_worker(listener, index_dir, threads))
    listener.close()


def _fork_worker(listener: socket.socket, index_dir: Path, threads: int) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
        _run_worker(listener, index_dir, threads)
    except BaseException:  # noqa: BLE001 - report, then leave without running the parent's code
        log.exception("worker failed")
        code = 1
    finally:
        os._exit(code)


def _run_worker(listener: socket.socket, index_dir: Path, threads: int) -> None:
    app = create_app({"INDEX_DIR": index_dir})
    waitress.create_server(app, sockets=[listener], threads=threads, ident="timkiem").run()


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
