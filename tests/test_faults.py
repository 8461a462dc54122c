"""Faults during rebuild: kill -9, two at once, disk full, read-only folder, rebuild under load."""

import json
import os
import random
import re
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


def kill_at_random_points(command: str, corpus, index_dir, randomness: random.Random, longest: float) -> None:
    """`timkiem COMMAND` four times, each killed with SIGKILL after a random time of up to ``longest``
    seconds: the live generation stays, and `timkiem check` passes on it."""
    live = live_generation(index_dir)
    for _ in range(4):
        running = subprocess.Popen([TIMKIEM, command, "--corpus", str(corpus), "--index", str(index_dir)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(randomness.uniform(0.2, longest))
        assert running.poll() is None, f"the {command} ended before it could be killed"
        running.send_signal(signal.SIGKILL)
        running.wait()
        assert live_generation(index_dir) == live
        assert timkiem("check", "--index", index_dir).returncode == 0


@pytest.mark.parametrize("command", ["rebuild", "update"])
def test_kill_9_at_random_points_never_disturbs_the_server(served, slow_corpus, command):
    server, index_dir = served
    live_before = live_generation(index_dir)
    load = Load(server, clients=2)
    try:
        kill_at_random_points(command, slow_corpus, index_dir, random.Random(f"20261122 {command}"), longest=2.0)
    finally:
        load.stop()
    assert load.failures == [] and len(load.responses) > 10
    assert {body["generation"] for body in load.responses} == {live_before.name}
    assert all({hit["id"] for hit in body["hits"]} <= SEED_IDS for body in load.responses)
    timkiem(command, "--corpus", slow_corpus, "--index", index_dir)  # no manual cleanup needed
    assert timkiem("check", "--index", index_dir).stdout.startswith(f"{live_generation(index_dir)}: ok")
    assert len(list(index_dir.glob("gen-*"))) == 2  # the killed runs' folders are gone


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


def _workers_of(pid: int) -> list[int]:
    """The processes ``pid`` forked (same command line: not helpers it may have started)."""
    try:
        children = open(f"/proc/{pid}/task/{pid}/children").read().split()
        command = open(f"/proc/{pid}/cmdline", "rb").read()
        return [int(child) for child in children if open(f"/proc/{child}/cmdline", "rb").read() == command]
    except FileNotFoundError:
        return []


def test_a_rebuild_worker_killed_as_by_the_oom_killer_ends_the_rebuild(tmp_path, slow_corpus):
    index_dir = tmp_path / "index"
    timkiem("rebuild", "--corpus", SEED_CORPUS, "--index", index_dir)
    live = live_generation(index_dir)
    rebuild = subprocess.Popen([TIMKIEM, "rebuild", "--corpus", str(slow_corpus), "--index", str(index_dir),
                                "--workers", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while len(workers := _workers_of(rebuild.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(workers) == 2, "the rebuild started no workers"
        time.sleep(1.0)  # both are writing segments
        os.kill(workers[0], signal.SIGKILL)
        killed = time.monotonic()
        _, stderr = rebuild.communicate(timeout=60)
        ended_after = time.monotonic() - killed
    finally:
        if rebuild.poll() is None:
            rebuild.kill()
    assert rebuild.returncode == 1 and ended_after < 10
    assert stderr.strip().splitlines()[-1] == (
        f"timkiem: error: worker process {workers[0]} was killed by SIGKILL before finishing its share "
        "(out of memory?); nothing was published, the live index is unchanged")
    assert "Traceback" not in stderr
    assert not os.path.exists(f"/proc/{workers[1]}")  # the other worker did not live on
    assert live_generation(index_dir) == live and sorted(index_dir.glob("gen-*")) == [live]
    assert timkiem("check", "--index", index_dir).returncode == 0


def test_update_and_rebuild_at_once_the_second_refuses_clearly(tmp_path, slow_corpus):
    index_dir = tmp_path / "index"
    timkiem("rebuild", "--corpus", SEED_CORPUS, "--index", index_dir)
    for first, second in (("update", "rebuild"), ("rebuild", "update")):
        running = subprocess.Popen([TIMKIEM, first, "--corpus", str(slow_corpus), "--index", str(index_dir)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 30
            while (index_dir / ".rebuild.lock").read_text() != f"{running.pid} {first}" and time.monotonic() < deadline:
                time.sleep(0.02)
            refused = timkiem(second, "--corpus", SEED_CORPUS, "--index", index_dir, check=False)
        finally:
            assert running.wait(timeout=300) == 0
        assert refused.returncode == 1 and refused.stdout == ""
        assert refused.stderr == (f"timkiem: error: another {first} (pid {running.pid}) is writing to {index_dir}; "
                                  "try again when it ends\n")
        assert timkiem("check", "--index", index_dir).returncode == 0
        found = json.loads(timkiem("search", "Long An", "--json", "--index", index_dir).stdout)
        assert found["total"] == 1000  # the corpus of the one that ran, whole


def test_a_corpus_file_appended_to_while_a_rebuild_reads_it(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    feed = corpus / "tin.jsonl"

    def record(number: int) -> str:
        text = f"Tin số {number} về nông nghiệp Long An. " * 40
        return json.dumps({"id": f"tin-{number}", "title": f"Tin số {number}", "text": text}, ensure_ascii=False)

    feed.write_text("".join(record(number) + "\n" for number in range(400)), encoding="utf-8")
    rebuild = subprocess.Popen([TIMKIEM, "rebuild", "--corpus", str(corpus), "--index", str(index_dir)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not (index_dir / ".rebuild.lock").exists() or not (index_dir / ".rebuild.lock").read_text():
        assert time.monotonic() < deadline, "the rebuild did not start"
        time.sleep(0.01)
    with open(feed, "a", encoding="utf-8") as handle:  # a feed writing records as they come, half a line at a time
        for number in range(400, 500):
            line = record(number) + "\n"
            for part in (line[:100], line[100:]):
                handle.write(part)
                handle.flush()
                time.sleep(0.015)
    stdout, stderr = rebuild.communicate(timeout=300)
    assert rebuild.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "warning: tin.jsonl: changed while it was read: the index holds it as it was when read; " \
           "`timkiem update` indexes what changed" in stderr
    indexed = int(re.search(r"Indexed (\d+) documents", stdout).group(1))
    assert 400 <= indexed < 500
    found = json.loads(timkiem("search", "nong nghiep", "--json", "--per-page", "1", "--index", index_dir).stdout)
    assert found["total"] == indexed  # every record indexed whole, none half
    assert timkiem("check", "--index", index_dir).returncode == 0
    updated = timkiem("update", "--corpus", corpus, "--index", index_dir).stdout
    assert f"{500 - indexed} added, 0 changed, 0 deleted" in updated
