"""Serving replicas: several `timkiem serve` processes over one index folder (shared storage)
each pick up the generation a rebuild publishes, and none serves a half-written one."""

import json
import shutil
import threading
import time
import urllib.request

from indexer.build import rebuild
from indexer.generations import live_generation
from tests.conftest import FIXTURES, Server, timkiem

NEWS = FIXTURES / "news"


def searched(server: Server) -> tuple[int, str, int]:
    """(HTTP status, generation, total) of one search."""
    with urllib.request.urlopen(server.url + "/api/search?q=gi%C3%A1", timeout=30) as response:
        body = json.loads(response.read())
        return response.status, body["generation"], body["total"]


def test_two_servers_over_one_folder_switch_to_the_new_generation_together(tmp_path):
    index_dir = tmp_path / "shared-index"
    rebuild(NEWS, index_dir, workers=1)
    old = live_generation(index_dir).name
    corpus = tmp_path / "corpus"
    shutil.copytree(NEWS, corpus)
    with open(corpus / "articles.jsonl", "a", encoding="utf-8") as more:
        for number in range(40):
            more.write(json.dumps({"id": f"gia-{number}", "title": f"Giá hàng {number}",
                                   "text": f"Giá mặt hàng số {number} tăng nhẹ trong tuần."}, ensure_ascii=False) + "\n")
    replicas = [Server(index_dir, NEWS, "--processes", "1", "--threads", "2") for _ in range(2)]
    seen = {replica.url: [] for replica in replicas}
    failures, stop = [], threading.Event()

    def poll(replica):
        while not stop.is_set():
            try:
                seen[replica.url].append(searched(replica))
            except Exception as exc:  # noqa: BLE001 - every failure is a finding
                failures.append(f"{replica.url}: {exc}")
            time.sleep(0.05)

    pollers = [threading.Thread(target=poll, args=(replica,)) for replica in replicas]
    try:
        for poller in pollers:
            poller.start()
        timkiem("rebuild", "--corpus", corpus, "--index", index_dir, "--workers", "1")
        new = live_generation(index_dir).name
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not all(
                answers and answers[-1][1] == new for answers in seen.values()):
            time.sleep(0.2)
    finally:
        stop.set()
        for poller in pollers:
            poller.join()
        for replica in replicas:
            replica.stop()
    assert not failures
    totals = {old: searched_total(seen, old), new: searched_total(seen, new)}
    assert totals[new] == totals[old] + 40
    for url, answers in seen.items():
        generations = [generation for _, generation, _ in answers]
        assert {status for status, _, _ in answers} == {200}
        assert set(generations) == {old, new}, url  # each served the old one, then the new one
        assert generations == sorted(generations, key=[old, new].index), url  # never back to the old one


def searched_total(seen: dict, generation: str) -> int:
    """The one total every replica gave for ``generation``'s search."""
    (total,) = {total for answers in seen.values() for _, served, total in answers if served == generation}
    return total
