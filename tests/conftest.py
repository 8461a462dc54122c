"""Shared fixtures: indexes built by the real rebuild, a real server, a real browser."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
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


class Server:
    """`timkiem serve` in its own process, on a free loopback port."""

    def __init__(self, index_dir: Path, corpus_dir: Path = SEED_CORPUS, *options: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [TIMKIEM, "serve", "--index", str(index_dir),
             "--corpus", str(corpus_dir), "--port", str(self.port), *options],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("server exited:\n" + self.process.stdout.read())
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("server did not start in 120 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process.stdout.close()


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
