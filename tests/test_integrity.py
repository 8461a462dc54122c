"""Checksums: recorded at publish, a changed byte found in any file, a corrupt live generation
not served (the previous one is), ``timkiem check``, and indexes built before checksums."""

import json
import random
import shutil
import signal
import subprocess
import threading
import time
import urllib.request

import pytest

from indexer import integrity
from indexer.build import rebuild
from indexer.generations import live_generation
from indexer.view import LiveIndex
from tests.conftest import FIXTURES, SEED_CORPUS, TIMKIEM, Server, timkiem
from webui import create_app

SEED_IDS = {path.name for path in SEED_CORPUS.glob("*.txt")}
MINI_CORPUS = FIXTURES / "mini"


def change_byte(path, position: int) -> None:
    data = bytearray(path.read_bytes())
    data[position] ^= 0x5A
    path.write_bytes(bytes(data))


@pytest.fixture
def two_generations(tmp_path):
    """An index folder whose live generation (the mini corpus) replaced one of the seed corpus."""
    index_dir = tmp_path / "index"
    rebuild(SEED_CORPUS, index_dir, workers=1)
    previous = live_generation(index_dir)
    rebuild(MINI_CORPUS, index_dir, workers=1)
    return index_dir, previous, live_generation(index_dir)


def segment_of(generation):
    return next(generation.glob("*.seg"))


def test_one_changed_byte_in_any_file_is_found_every_time(tmp_path, seed_index):
    generation = tmp_path / live_generation(seed_index).name
    shutil.copytree(live_generation(seed_index), generation)
    names = sorted(path.name for path in generation.iterdir())
    assert integrity.CHECKSUMS in names and any(name.endswith(".toc") for name in names)
    assert any(name.endswith(".seg") for name in names) and "synonyms.json" in names
    assert integrity.verify(generation).state == integrity.VERIFIED
    randomness = random.Random(17)
    for name in names:
        path = generation / name
        size = path.stat().st_size
        for position in sorted({0, size // 2, size - 1, *randomness.sample(range(size), 5)}):
            original = path.read_bytes()
            change_byte(path, position)
            verdict = integrity.verify(generation)
            path.write_bytes(original)
            assert verdict.state == integrity.CORRUPT, (name, position)
            assert [line.split(":")[0] for line in verdict.differences] == [name], (name, position)
    assert integrity.verify(generation).state == integrity.VERIFIED


def test_check_lists_each_file_that_differs_and_exits_1(two_generations):
    index_dir, previous, live = two_generations
    passed = timkiem("check", "--index", index_dir)
    assert passed.stdout.startswith(f"{live}: ok, 3 files") and passed.stderr == ""
    change_byte(segment_of(live), 100)
    recorded_size = (live / "synonyms.json").stat().st_size
    (live / "synonyms.json").write_text("{}", encoding="utf-8")
    failed = timkiem("check", "--index", index_dir, check=False)
    assert failed.returncode == 1
    assert failed.stdout.splitlines() == [f"{segment_of(live)}: contents differ from the recorded checksum",
                                          f"{live / 'synonyms.json'}: 2 bytes, {recorded_size} recorded"]
    assert failed.stderr == f"timkiem: error: {live}: 2 of 3 files differ from their checksums: run `timkiem rebuild`\n"
    stats = timkiem("stats", "--index", index_dir).stdout
    assert f"index: {previous}\n" in stats and f"CORRUPT: 2 files of the live generation {live.name}" in stats


def test_an_index_built_before_checksums_is_unverified_not_an_error(tmp_path):
    index_dir = tmp_path / "index"
    shutil.copytree(FIXTURES / "seed-index-2f30b2c", index_dir)
    checked = timkiem("check", "--index", index_dir)
    assert "unverified: built before timkiem recorded checksums" in checked.stdout
    assert "integrity: unverified" in timkiem("stats", "--index", index_dir).stdout
    health = create_app({"INDEX_DIR": index_dir}).test_client().get("/healthz").get_json()
    assert (health["status"], health["integrity"], health["documents"]) == ("ok", "unverified", 5)


def test_update_records_checksums_and_leaves_the_previous_generation_intact(tmp_path):
    index_dir, corpus = tmp_path / "index", tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    rebuild(corpus, index_dir, workers=1)
    before = live_generation(index_dir)
    (corpus / "tin.txt").write_text("Tin mới\nNhà máy thủy điện Sơn La khánh thành.", encoding="utf-8")
    timkiem("update", "--corpus", corpus, "--index", index_dir)
    after = live_generation(index_dir)
    assert after != before
    assert integrity.verify(after).state == integrity.VERIFIED
    assert integrity.verify(before).state == integrity.VERIFIED  # its hard-linked files untouched


def test_a_corrupt_live_generation_is_not_served_the_previous_one_is(two_generations):
    index_dir, previous, live = two_generations
    change_byte(segment_of(live), segment_of(live).stat().st_size // 2)
    table = next(live.glob("*.toc"))
    recorded = table.stat().st_size
    table.write_bytes(table.read_bytes()[:100])  # Whoosh cannot even open it
    server = Server(index_dir)
    try:
        with urllib.request.urlopen(server.url + "/healthz", timeout=10) as response:
            health = json.loads(response.read())
        with urllib.request.urlopen(server.url + "/api/search?q=long+an", timeout=10) as response:
            found = json.loads(response.read())
        server.process.send_signal(signal.SIGTERM)
        log = server.process.communicate(timeout=20)[0]
    finally:
        server.stop()
    assert health["status"] == "degraded" and health["integrity"] == "corrupt"
    assert (health["live"], health["generation"], health["documents"]) == (live.name, previous.name, 5)
    assert health["differences"] == [f"{segment_of(live).name}: contents differ from the recorded checksum",
                                     f"{table.name}: 100 bytes, {recorded} recorded"]
    assert found["generation"] == previous.name
    assert found["hits"] and {hit["id"] for hit in found["hits"]} <= SEED_IDS
    assert f"INDEX CORRUPT: {live}" in log and f"serving the previous generation {previous.name}" in log


def test_a_large_generation_is_verified_in_the_background_while_the_previous_answers(
        two_generations, monkeypatch):
    index_dir, previous, live = two_generations
    release, verifying = threading.Event(), threading.Event()
    real_verify = integrity.verify

    def slow_verify(generation):
        if generation.name not in (previous.name, live.name):
            verifying.set()
            release.wait(30)
        return real_verify(generation)

    monkeypatch.setattr(integrity, "verify", slow_verify)
    reader = LiveIndex(index_dir, verify_at_once=0)  # every generation counts as large
    assert reader.view().name == live.name  # at start nothing else was served: it answers meanwhile
    documents = reader.view().live_count
    deadline = time.monotonic() + 30
    while reader.health().integrity == "verifying" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert reader.health().integrity == integrity.VERIFIED

    rebuild(SEED_CORPUS, index_dir, workers=1)
    newest = live_generation(index_dir)
    change_byte(next(newest.glob("*.toc")), 10)
    assert reader.view().name == live.name and verifying.wait(10)
    assert reader.health().integrity == "verifying" and reader.health().served == live.name
    release.set()
    while reader.health().integrity == "verifying" and time.monotonic() < deadline:
        time.sleep(0.01)
    health = reader.health()
    assert (health.integrity, health.degraded, health.live, health.served) == ("corrupt", True, newest.name, live.name)
    assert reader.view().name == live.name and reader.view().live_count == documents


def test_the_previous_generation_stays_while_a_rebuild_writes(two_generations, tmp_path):
    index_dir, previous, live = two_generations
    corpus = tmp_path / "big"
    corpus.mkdir()
    for number in range(600):
        (corpus / f"bai-{number}.txt").write_text(f"Bài {number}\n" + "Nông nghiệp công nghệ cao. " * 40,
                                                  encoding="utf-8")
    running = subprocess.Popen([TIMKIEM, "rebuild", "--corpus", str(corpus), "--index", str(index_dir)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(list(index_dir.glob("gen-*"))) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert {previous, live} <= set(index_dir.glob("gen-*"))  # the fallback was not removed
    finally:
        running.send_signal(signal.SIGKILL)
        running.wait()
    assert live_generation(index_dir) == live and previous.is_dir()
