"""The public face: real nginx (deploy/) in front of a real `timkiem serve`, real sockets.

Slow and half-open clients, a flood from one address, an overloaded server, and who the
server believes the client is.
"""

import json
import shutil
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import SEED_CORPUS, Front, Server
from webui.admission import Bound, Turns

SEARCH = "/api/search?q=cong+thuong"
LONG_QUESTION = "/api/search?per_page=100&q=" + "+".join(["cong+thuong+bac+giang+dai+hoi+dang+bo+nhiem+ky"] * 5)


@pytest.fixture(scope="module")
def served(tmp_path_factory, seed_index):
    """`timkiem serve` (trusting the proxy at 127.0.0.1, logging each request) behind nginx with
    small per-client limits: 5 searches a second and a burst of 5, 20 connections."""
    folder = tmp_path_factory.mktemp("front")
    shutil.copytree(seed_index, folder / "index")
    server = Server(folder / "index", SEED_CORPUS, "--trusted-proxy", "127.0.0.1",
                    "--access-log", str(folder / "access.log"), log=folder / "serve.log")
    front = Front(server, folder / "nginx", search_rate=5, search_burst=5, connections=20)
    yield server, front, folder / "access.log"
    front.stop()
    server.stop()


def get_from(url: str, source: str, path: str, headers: dict | None = None, timeout: float = 10):
    """GET ``path`` from a client bound to the loopback address ``source``: (status, headers, body)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout, source_address=(source, 0)) as sock:
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    found = {name.lower(): value.strip() for name, value in (line.split(":", 1) for line in header_lines)}
    if found.get("transfer-encoding") == "chunked":
        body = _unchunked(body)
    return int(status_line.split()[1]), found, body


def _unchunked(body: bytes) -> bytes:
    out = b""
    while body:
        size, _, rest = body.partition(b"\r\n")
        length = int(size, 16)
        if not length:
            break
        out, body = out + rest[:length], rest[length + 2:]
    return out


def test_half_open_clients_do_not_block_the_others(served):
    _, front, _ = served
    host, port = "127.0.0.1", front.port
    attackers = []
    try:
        for _ in range(300):  # each sends half a request line and waits, from one address
            sock = socket.create_connection((host, port), timeout=5, source_address=("127.0.0.2", 0))
            sock.sendall(b"GET /api/search?q=cong")
            attackers.append(sock)
        for source in ("127.0.0.1", "127.0.0.3", "127.0.0.4"):
            started = time.monotonic()
            status, _, body = get_from(front.url, source, SEARCH, timeout=5)
            assert status == 200 and json.loads(body)["total"] >= 1
            assert time.monotonic() - started < 2
    finally:
        for sock in attackers:
            sock.close()


def test_a_flood_from_one_address_is_refused_at_once_with_429(served):
    _, front, _ = served

    def flood(_):
        started = time.monotonic()
        status, headers, body = get_from(front.url, "127.0.0.5", SEARCH)
        return status, headers, body, time.monotonic() - started

    started = time.monotonic()
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(flood, range(40)))
    flooded = time.monotonic() - started
    statuses = [status for status, *_ in answers]
    assert set(statuses) == {200, 429}, statuses
    assert statuses.count(200) <= 5 + 1 + 5 * flooded  # the burst, and what the rate refills meanwhile
    for status, headers, body, seconds in answers:
        assert seconds < 5
        if status == 429:
            assert headers["retry-after"] == "1"
            assert headers["content-type"].startswith("application/json")
            assert json.loads(body)["error"]["code"] == "too_many_requests"
    status, _, _ = get_from(front.url, "127.0.0.6", SEARCH)  # another address is not limited by it
    assert status == 200


def test_the_forwarded_address_is_believed_from_the_proxy_only(served):
    server, front, access_log = served
    forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
    get_from(front.url, "127.0.0.7", "/api/search?q=qua+nginx", forged)
    get_from(server.url, "127.0.0.8", "/api/search?q=thang+toi", forged)
    lines = access_log.read_text().splitlines()
    via_proxy = [line for line in lines if "q=qua+nginx" in line]
    direct = [line for line in lines if "q=thang+toi" in line]
    assert via_proxy and " 127.0.0.7 GET " in via_proxy[-1]  # the client nginx saw, not what it claimed
    assert direct and " 127.0.0.8 GET " in direct[-1]  # not from the proxy: X-Forwarded-For ignored
    assert "203.0.113.9" not in access_log.read_text()
    _, _, body = get_from(server.url, "127.0.0.8", "/api/openapi.json", forged)
    assert json.loads(body)["servers"][0]["url"] == server.url  # nor the forwarded host and scheme
    _, _, body = get_from(front.url, "127.0.0.7", "/api/openapi.json", forged)
    assert json.loads(body)["servers"][0]["url"] == front.url  # nginx's own Host and scheme


def test_nginx_serves_static_files_and_compresses(served):
    _, front, access_log = served
    status, headers, body = get_from(front.url, "127.0.0.9", "/static/style.css", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert headers["content-security-policy"].startswith("default-src 'none'")
    assert "/static/style.css" not in access_log.read_text()  # never reached the server
    status, headers, _ = get_from(front.url, "127.0.0.9", SEARCH, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"


def test_a_stopped_server_is_a_json_503_from_the_proxy(tmp_path, seed_index):
    shutil.copytree(seed_index, tmp_path / "index")
    server = Server(tmp_path / "index", SEED_CORPUS, "--processes", "1", log=tmp_path / "serve.log")
    front = Front(server, tmp_path / "nginx")
    try:
        server.stop()
        status, headers, body = get_from(front.url, "127.0.0.1", SEARCH)
        assert status == 503 and headers["retry-after"] == "5"
        assert json.loads(body)["error"]["code"] == "unavailable"
    finally:
        front.stop()


def test_an_overloaded_server_answers_503_at_once(tmp_path, seed_index):
    """One process running one search at a time and letting one wait: of 24 long questions at
    once most are refused, quickly, with the JSON error and Retry-After; the page says so in Vietnamese."""
    shutil.copytree(seed_index, tmp_path / "index")
    server = Server(tmp_path / "index", SEED_CORPUS, "--processes", "1", "--threads", "1", "--queue", "1",
                    log=tmp_path / "serve.log")
    try:
        def ask(path):
            started = time.monotonic()
            status, headers, body = get_from(server.url, "127.0.0.1", path)
            return status, headers, body, time.monotonic() - started

        with ThreadPoolExecutor(24) as pool:
            answers = list(pool.map(ask, [LONG_QUESTION] * 24 + ["/?q=cong+thuong"] * 24))
        statuses = [status for status, *_ in answers]
        assert set(statuses) == {200, 503}, statuses
        for status, headers, body, seconds in answers:
            if status == 503:
                assert headers["retry-after"] == "1"
                assert seconds < 4  # refused at once, or after waiting its 2 s for a turn
        refused_api = [body for status, _, body, _ in answers[:24] if status == 503]
        refused_page = [body for status, _, body, _ in answers[24:] if status == 503]
        assert refused_api and all(json.loads(body)["error"]["code"] == "overloaded" for body in refused_api)
        assert all("Máy chủ đang bận" in body.decode() for body in refused_page)
        status, _, body = get_from(server.url, "127.0.0.1", "/healthz")  # still reachable for monitoring
        assert status == 200
    finally:
        server.stop()


def test_turns_let_the_bound_wait_and_refuse_the_rest():
    turns = Turns(Bound(working=1, waiting=1, patience=2))
    assert turns.take()
    waited = []
    waiter = threading.Thread(target=lambda: waited.append(turns.take()))
    waiter.start()
    time.sleep(0.2)  # the waiter is waiting now: there is no room for another
    started = time.monotonic()
    assert not turns.take()
    assert time.monotonic() - started < 0.1
    turns.give_back()
    waiter.join(timeout=2)
    assert waited == [True]
    turns.give_back()
    impatient = Turns(Bound(working=1, waiting=1, patience=0.1))
    assert impatient.take() and not impatient.take()  # waited its patience, then refused

