"""Shared fixtures: indexes built by the real rebuild, a real server, a real browser."""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from indexer.build import rebuild
from indexer.search import SearchEngine
from webui import create_app

ROOT = Path(__file__).resolve().parent.parent
SEED_CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
TIMKIEM = str(Path(sys.executable).parent / "timkiem")  # the console script pip installed


def timkiem(*args, check=True, timeout=300, **kwargs) -> subprocess.CompletedProcess:
    """Run the installed command line as a user would."""
    result = subprocess.run([TIMKIEM, *map(str, args)], capture_output=True,
                            text=True, timeout=timeout, cwd=kwargs.pop("cwd", ROOT), **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"timkiem {args} failed ({result.returncode}):\n{result.stderr}")
    return result


def built_index(tmp_path_factory, corpus: Path) -> Path:
    index_dir = tmp_path_factory.mktemp(corpus.name + "-index")
    rebuild(corpus, index_dir, workers=1)
    return index_dir


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    """corpus/: the five seed articles the project ships."""
    return built_index(tmp_path_factory, SEED_CORPUS)


@pytest.fixture(scope="session")
def mini_index(tmp_path_factory) -> Path:
    """tests/fixtures/mini: small documents made to test matching rules."""
    return built_index(tmp_path_factory, FIXTURES / "mini")


@pytest.fixture(scope="session")
def news_index(tmp_path_factory) -> Path:
    """tests/fixtures/news: 24 short articles with sources, categories and dates (facets, sorting)."""
    return built_index(tmp_path_factory, FIXTURES / "news")


@pytest.fixture(scope="session")
def news_engine(news_index) -> SearchEngine:
    return SearchEngine(news_index)


@pytest.fixture(scope="session")
def news_client(news_index):
    return create_app({"INDEX_DIR": news_index}).test_client()


@pytest.fixture(scope="session")
def seed_engine(seed_index) -> SearchEngine:
    return SearchEngine(seed_index)


@pytest.fixture(scope="session")
def mini_engine(mini_index) -> SearchEngine:
    return SearchEngine(mini_index)


@pytest.fixture(scope="session")
def client(seed_index):
    return create_app({"INDEX_DIR": seed_index}).test_client()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen, describe, what: str) -> None:
    """Until ``url`` answers; fails with ``describe()`` (the process's output) if it exits or never does."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited:\n" + describe())
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not start in 120 s:\n" + describe())


class Server:
    """`timkiem serve` in its own process, on a free loopback port; its output in ``log`` when
    given (a test that floods it must not let an unread pipe fill up)."""

    def __init__(self, index_dir: Path, corpus_dir: Path = SEED_CORPUS, *options: str, log: Path | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        output = open(log, "w") if log else subprocess.PIPE
        self.process = subprocess.Popen(
            [TIMKIEM, "serve", "--index", str(index_dir),
             "--corpus", str(corpus_dir), "--port", str(self.port), *options],
            cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, text=True,
        )
        if log:
            output.close()
        try:
            wait_until_answering(self.url + "/healthz", self.process, self.output, "server")
        except RuntimeError:
            self.stop()
            raise

    def output(self) -> str:
        return self.log.read_text() if self.log else self.process.stdout.read()

    def stop(self) -> None:
        stop_process(self.process)
        if self.process.stdout:
            self.process.stdout.close()


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Front:
    """Debian's nginx with the shipped configuration (deploy/), in front of ``server``, on a free
    port; ``limits`` as webui.front.write_config takes them.  No nginx: the test fails, it is
    part of what timkiem ships (.ci/run installs it)."""

    def __init__(self, server: Server, run_dir: Path, **limits):
        from webui.front import NginxMissing, command, write_config

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.run_dir = run_dir
        config = write_config(run_dir, f"127.0.0.1:{self.port}", f"127.0.0.1:{server.port}", **limits)
        try:
            argv = command(config)
        except NginxMissing as exc:
            pytest.fail(f"{exc} (.ci/run installs it)")
        self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_answering(self.url + "/healthz", self.process,
                                 lambda: (run_dir / "error.log").read_text(errors="replace"), "nginx")
        except RuntimeError:
            self.stop()
            raise

    def stop(self) -> None:
        stop_process(self.process)


class HttpResponse:
    """What tests read of an answer, named as Flask's test client names it."""

    def __init__(self, status: int, headers, body: bytes):
        self.status_code, self.headers, self.data = status, headers, body

    def get_data(self, as_text: bool = False):
        return self.data.decode("utf-8") if as_text else self.data

    def get_json(self):
        return json.loads(self.data)


class HttpClient:
    """A real HTTP client with the interface of Flask's test client (``get(path, query_string=)``),
    so that tests written against the app also run against a real server or proxy.  The path is
    sent as given, only characters a URL cannot hold percent-encoded."""

    def __init__(self, url: str):
        self.host, self.port = urllib.parse.urlsplit(url).hostname, urllib.parse.urlsplit(url).port

    def get(self, path: str, query_string: dict | None = None, headers: dict | None = None) -> HttpResponse:
        target = urllib.parse.quote(path, safe="/?=&%+:;,@!$()*~'")
        if query_string:
            target += ("&" if "?" in target else "?") + urllib.parse.urlencode(query_string, doseq=True)
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request("GET", target, headers=headers or {})
            answer = connection.getresponse()
            return HttpResponse(answer.status, answer.headers, answer.read())
        finally:
            connection.close()


@pytest.fixture(scope="session")
def proxied(tmp_path_factory):
    """``proxied(index_dir)``: an HttpClient reaching a real `timkiem serve` of that index through
    the real nginx front; one server and proxy per index for the session."""
    started: dict[Path, tuple[Server, Front, HttpClient]] = {}

    def reach(index_dir: Path) -> HttpClient:
        if index_dir not in started:
            folder = tmp_path_factory.mktemp("proxied")
            server = Server(index_dir, SEED_CORPUS, "--processes", "1", "--trusted-proxy", "127.0.0.1",
                            log=folder / "serve.log")
            front = Front(server, folder / "front")
            started[index_dir] = (server, front, HttpClient(front.url))
        return started[index_dir][2]

    yield reach
    for server, front, _ in started.values():
        front.stop()
        server.stop()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, seed_index):
    index_dir = tmp_path_factory.mktemp("served") / "index"
    shutil.copytree(seed_index, index_dir)
    server = Server(index_dir)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def news_server(tmp_path_factory, news_index):
    index_dir = tmp_path_factory.mktemp("news-served") / "index"
    shutil.copytree(news_index, index_dir)
    server = Server(index_dir, FIXTURES / "news")
    yield server
    server.stop()


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"browser tests need Chromium at {CHROMIUM}: apt-get install chromium (or set CHROMIUM)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield chromium
        chromium.close()
