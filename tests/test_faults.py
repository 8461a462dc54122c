"""Faults during rebuild: kill -9, two at once, disk full, read-only folder, rebuild under load."""

import json
import os
import random
import resource
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from whoosh import index as whoosh_index

from indexer import generations
from indexer.generations import live_generation
from indexer.schema import SPELLINGS_FIELD, build_schema
from tests.conftest import SEED_CORPUS, TIMKIEM, Server, timkiem
from webui import create_app

SEED_IDS = {path.name for path in SEED_CORPUS.glob("*.txt")}


@pytest.fixture(scope="module")
def slow_corpus(tmp_path_factory):
    """Enough text that a rebuild takes a few seconds: time to hurt it half way."""
    folder = tmp_path_factory.mktemp("slow-corpus")
    for number in range(1000):
        (folder / f"bai-{number:04}.txt").write_text(
            f"Bài số {number} về Long An\n" + "Người dân tỉnh Long An phát triển nông nghiệp công nghệ cao. " * 30,
            encoding="utf-8")
    return folder


@pytest.fixture
def served(tmp_path):
    index_dir = tmp_path / "index"
    timkiem("rebuild", "--corpus", SEED_CORPUS, "--index", index_dir)
    server = Server(index_dir)
    yield server, index_dir
    server.stop()


class Load:
    """Clients searching the server in a loop; every failure is recorded."""

    def __init__(self, server, clients: int, query: str = "Long An"):
        self.url = f"{server.url}/api/search?q={urllib.parse.quote(query)}&per_page=20"
        self.responses, self.failures = [], []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(clients)]
        for thread in self.threads:
            thread.start()

    def _run(self):
        deadline = time.monotonic() + 300
        while not self.stopping.is_set() and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url, timeout=30) as response:
                    self.responses.append(json.loads(response.read()))
            except (OSError, ValueError) as error:
                self.failures.append(repr(error))

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)


def test_kill_9_at_random_points_never_disturbs_the_server(served, slow_corpus):
    server, index_dir = served
    live_before = live_generation(index_dir)
    load = Load(server, clients=2)
    randomness = random.Random(20261122)
    try:
        for _ in range(4):
            rebuild = subprocess.Popen([TIMKIEM, "rebuild", "--corpus", str(slow_corpus), "--index", str(index_dir)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(randomness.uniform(0.3, 2.0))
            assert rebuild.poll() is None, "the rebuild ended before it could be killed"
            rebuild.send_signal(signal.SIGKILL)
            rebuild.wait()
            assert live_generation(index_dir) == live_before
    finally:
        load.stop()
    assert load.failures == [] and len(load.responses) > 10
    assert all({hit["id"] for hit in body["hits"]} <= SEED_IDS for body in load.responses)
    timkiem("rebuild", "--corpus", slow_corpus, "--index", index_dir)  # no manual cleanup needed
    assert len(list(index_dir.glob("gen-*"))) == 2


def test_two_rebuilds_at_once_the_second_refuses(tmp_path, slow_corpus):
    index_dir = tmp_path / "index"
    first = subprocess.Popen([TIMKIEM, "rebuild", "--corpus", str(slow_corpus), "--index", str(index_dir)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not list(index_dir.glob("gen-*")) and time.monotonic() < deadline:
            time.sleep(0.05)
        second = timkiem("rebuild", "--corpus", SEED_CORPUS, "--index", index_dir, check=False)
        assert second.returncode == 1
        assert "another rebuild" in second.stderr and "Traceback" not in second.stderr
    finally:
        assert first.wait(timeout=300) == 0
    assert len(list(live_generation(index_dir).iterdir())) > 0


def test_disk_full_is_a_clear_error_and_the_old_index_stays(tmp_path, slow_corpus):
    index_dir = tmp_path / "index"
    timkiem("rebuild", "--corpus", SEED_CORPUS, "--index", index_dir)
    live = live_generation(index_dir)

    def small_disk():  # files may not grow past 512 KB: writes fail as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (2**19, 2**19))

    failed = subprocess.run([TIMKIEM, "rebuild", "--corpus", str(slow_corpus), "--index", str(index_dir)],
                            capture_output=True, text=True, preexec_fn=small_disk, timeout=300)
    assert failed.returncode == 1
    assert failed.stderr.strip().splitlines()[-1].startswith("timkiem: error: File too large")
    assert "Traceback" not in failed.stderr
    assert live_generation(index_dir) == live
    assert sorted(p.name for p in index_dir.glob("gen-*")) == [live.name]  # the half-written one is gone
    found = json.loads(timkiem("search", "Long An", "--json", "--index", index_dir).stdout)
    assert found["hits"][0]["id"] == "003_d5561cf7ca1d1a0e.txt"


def test_read_only_index_folder_is_a_clear_error(tmp_path):
    index_dir = tmp_path / "index"
    timkiem("rebuild", "--corpus", SEED_CORPUS, "--index", index_dir)
    live = live_generation(index_dir)
    os.chmod(index_dir, 0o555)
    command = [TIMKIEM, "rebuild", "--corpus", str(SEED_CORPUS), "--index", str(index_dir)]
    if os.geteuid() == 0:  # root writes anywhere unless it gives up the capability to
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"] + command
    try:
        failed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    finally:
        os.chmod(index_dir, 0o755)
    assert failed.returncode == 1
    assert failed.stderr.startswith("timkiem: error:") and "ermission denied" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert live_generation(index_dir) == live


def test_rebuild_under_load_every_response_from_one_generation(served, slow_corpus):
    server, index_dir = served
    old = live_generation(index_dir).name
    load = Load(server, clients=8)
    try:
        timkiem("rebuild", "--corpus", slow_corpus, "--index", index_dir)
        new = live_generation(index_dir).name
        deadline = time.monotonic() + 30
        while not any(body["generation"] == new for body in load.responses) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        load.stop()
    assert load.failures == []
    generations = {body["generation"] for body in load.responses}
    assert generations == {old, new}
    for body in load.responses:
        ids = {hit["id"] for hit in body["hits"]}
        if body["generation"] == old:
            assert ids <= SEED_IDS
        else:
            assert ids and all(doc_id.startswith("bai-") for doc_id in ids)


def test_an_index_built_by_an_older_timkiem_is_a_clear_error_until_rebuilt(tmp_path):
    """Older indexes did not record how adjacent syllables are spelt (accent restoration)."""
    index_dir = tmp_path / "index"
    generation = generations.new_generation(index_dir)
    schema = build_schema()
    schema.remove(SPELLINGS_FIELD)
    with whoosh_index.create_in(str(generation), schema).writer() as writer:
        writer.add_document(id="a.txt", title="Công Thương", body="Sở Công Thương")
    generations.publish(index_dir, generation)
    for command in (("search", "công"), ("update", "--corpus", SEED_CORPUS), ("serve", "--port", "0")):
        result = timkiem(*command, "--index", index_dir, check=False, timeout=60)
        assert result.returncode == 1 and "older timkiem" in result.stderr and "timkiem rebuild" in result.stderr
        assert "Traceback" not in result.stderr
    response = create_app({"INDEX_DIR": index_dir}).test_client().get("/api/search?q=cong")
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "index_outdated"
    assert live_generation(index_dir) == generation  # nothing was changed
    timkiem("rebuild", "--corpus", SEED_CORPUS, "--index", index_dir)
    assert "Công Thương" in timkiem("search", "cong thuong", "--index", index_dir).stdout
