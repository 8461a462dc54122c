"""`timkiem serve` for real: a WSGI server process answering HTTP on loopback."""

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.conftest import SEED_CORPUS, TIMKIEM, Server, timkiem


def get_json(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def search(server, query):
    status, body = get_json(f"{server.url}/api/search?q={urllib.parse.quote(query)}")
    assert status == 200
    return body


def test_real_server_answers_json_and_html(live_server):
    body = search(live_server, "cong thuong")
    assert body["total"] == 5
    with urllib.request.urlopen(live_server.url + body["hits"][0]["url"]) as page:
        assert page.headers["Server"] == "timkiem"  # waitress, not Flask's development server
        assert "<mark>" in page.read().decode()
    assert get_json(live_server.url + "/api/search?q=x&page=0")[0] == 400


def test_serve_builds_a_missing_index_then_serves_rebuilds_without_restart(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Thủy điện Hòa Bình\nNhà máy thủy điện lớn.", encoding="utf-8")
    server = Server(tmp_path / "index", corpus)
    try:
        assert [hit["id"] for hit in search(server, "thuy dien")["hits"]] == ["a.txt"]
        assert search(server, "Bắc Giang")["total"] == 0
        timkiem("rebuild", "--corpus", SEED_CORPUS, "--index", tmp_path / "index")
        assert search(server, "Bắc Giang")["total"] == 1
        assert "a.txt" not in [hit["id"] for hit in search(server, "thuy dien")["hits"]]
    finally:
        server.stop()


def test_killed_rebuild_leaves_the_server_answering_from_the_old_index(tmp_path):
    big = tmp_path / "big"
    big.mkdir()
    for number in range(800):
        (big / f"{number:04}.txt").write_text(
            f"Bài số {number}\n" + "Người dân tỉnh Long An phát triển nông nghiệp công nghệ cao. " * 40,
            encoding="utf-8")
    index_dir = tmp_path / "index"
    timkiem("rebuild", "--corpus", SEED_CORPUS, "--index", index_dir)
    server = Server(index_dir)
    try:
        rebuild = subprocess.Popen([TIMKIEM, "rebuild", "--corpus", str(big), "--index", str(index_dir)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while len(list(index_dir.glob("gen-*"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # until the new generation's folder exists
        time.sleep(0.5)
        assert rebuild.poll() is None, "the rebuild ended before it could be killed"
        rebuild.send_signal(signal.SIGKILL)
        rebuild.wait()
        assert search(server, "Long An")["hits"][0]["id"] == "003_d5561cf7ca1d1a0e.txt"
        assert search(server, "cong thuong")["total"] == 5
        # the next rebuild needs no manual cleanup
        timkiem("rebuild", "--corpus", SEED_CORPUS, "--index", index_dir)
        assert len(list(index_dir.glob("gen-*"))) == 2
        assert search(server, "cong thuong")["total"] == 5
    finally:
        server.stop()


def children(pid: int) -> set[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as listing:
        return {int(child) for child in listing.read().split()}


def test_worker_processes_are_replaced_and_stop_with_the_server(tmp_path, seed_index):
    index_dir = tmp_path / "index"
    shutil.copytree(seed_index, index_dir)
    server = Server(index_dir)
    try:
        workers = children(server.process.pid)
        assert len(workers) == 2  # one per core by default
        killed = sorted(workers)[0]
        os.kill(killed, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while (killed in children(server.process.pid) or len(children(server.process.pid)) < 2) \
                and time.monotonic() < deadline:
            time.sleep(0.1)
        assert killed not in children(server.process.pid) and len(children(server.process.pid)) == 2
        assert all(search(server, "cong thuong")["total"] == 5 for _ in range(20))
        current = children(server.process.pid)
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=20)
        time.sleep(0.5)
        assert not any(Path(f"/proc/{pid}").exists() for pid in current)  # no worker outlives the server
    finally:
        server.stop()


def test_port_in_use_is_one_clear_error(live_server, seed_index):
    result = timkiem("serve", "--index", seed_index, "--port", live_server.port, check=False, timeout=60)
    assert result.returncode == 1 and "Address already in use" in result.stderr
    assert "serving" not in result.stderr
