"""`rebuild --cluster` / `update --cluster` on a real Dask cluster: a scheduler and two worker
processes (distributed.LocalCluster) over TCP on 127.0.0.1."""

import os
import shutil
import signal

import pytest
from distributed import Client, LocalCluster

from indexer import cluster
from indexer.build import rebuild
from indexer.generations import live_generation
from indexer.search import SearchEngine
from indexer.update import update
from tests.conftest import FIXTURES, free_port, timkiem

NEWS = FIXTURES / "news"
QUERIES = ("cong nghiep", "giá lúa", '"Bắc Giang"', "xuat khau gao", "hà nội", "doanh nghiệp -vốn", "title:giá")


@pytest.fixture(scope="module")
def dask_cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      protocol="tcp", dashboard_address=None) as local:
        yield local


@pytest.fixture(scope="module")
def local_news(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("local-news")
    rebuild(NEWS, index_dir, workers=2)
    return index_dir


def results(index_dir):
    engine = SearchEngine(index_dir)
    return {query: [(hit.id, hit.score) for hit in engine.search(query).hits] for query in QUERIES}


def counting():
    """A progress callback that keeps what it was told."""
    calls = []
    return calls, lambda done, total, per_worker=None: calls.append((done, total, per_worker))


@pytest.mark.parametrize("shared", [False, True], ids=["sent", "shared-paths"])
def test_a_cluster_rebuild_finds_what_a_local_one_finds(tmp_path, dask_cluster, local_news, shared):
    calls, progress = counting()
    with cluster.connect(dask_cluster.scheduler_address, shared_corpus=shared, shared_index=shared) as on_cluster:
        report = rebuild(NEWS, tmp_path / "index", workers=2, progress=progress, cluster=on_cluster)
    assert report.documents == 24
    assert results(tmp_path / "index") == results(local_news)
    assert any(result for result in results(local_news).values())
    done, total, per_worker = calls[-1]
    assert done == total == 24
    assert sorted(per_worker) == sorted(address.removeprefix("tcp://") for address in dask_cluster.scheduler_info["workers"])
    assert sum(per_worker.values()) == 24  # both workers took shares
    # more shares than workers, each its own segment
    segments = list(live_generation(tmp_path / "index").glob("*.seg"))
    assert len(segments) == cluster.SHARES_PER_THREAD * 2


def test_an_update_on_the_cluster_equals_a_local_update(tmp_path, dask_cluster, local_news):
    corpus = tmp_path / "corpus"
    shutil.copytree(NEWS, corpus)
    shutil.copytree(local_news, tmp_path / "local")
    lines = (corpus / "articles.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    added = '{"id": "new-1", "title": "Giá lúa mới ở Bắc Giang", "text": "Giá lúa tăng ở Bắc Giang."}\n'
    (corpus / "articles.jsonl").write_text("".join(lines[2:]) + added, encoding="utf-8")
    with cluster.connect(dask_cluster.scheduler_address) as on_cluster:
        rebuild(NEWS, tmp_path / "index", cluster=on_cluster)
        report = update(corpus, tmp_path / "index", cluster=on_cluster)
    assert (report.added, report.deleted) == (1, 2)
    update(corpus, tmp_path / "local", workers=2)
    assert results(tmp_path / "index") == results(tmp_path / "local")
    assert SearchEngine(tmp_path / "index").search("giá lúa mới").hits[0].id == "new-1"


def test_a_killed_worker_is_survived(tmp_path, dask_cluster, local_news):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    # long enough that shares are still running when the first progress arrives
    with open(corpus / "articles.jsonl", "w", encoding="utf-8") as target:
        for copy in range(8):
            for line in (NEWS / "articles.jsonl").read_text(encoding="utf-8").splitlines():
                target.write(line.replace('"id": "', f'"id": "c{copy}-') + "\n")
    with Client(dask_cluster.scheduler_address) as client:
        pids = {address.removeprefix("tcp://"): pid for address, pid in client.run(os.getpid).items()}
    killed = []

    def progress(done, total, per_worker=None):
        if not killed and done < total and per_worker:
            busy = max(per_worker, key=per_worker.get)
            os.kill(pids[busy], signal.SIGKILL)
            killed.append(pids[busy])

    with cluster.connect(dask_cluster.scheduler_address) as on_cluster:
        report = rebuild(corpus, tmp_path / "index", progress=progress, cluster=on_cluster)
    assert killed, "the build ended before a worker could be killed"
    with pytest.raises(ProcessLookupError):
        os.kill(killed[0], 0)
    assert report.documents == 24 * 8
    rebuild(corpus, tmp_path / "local", workers=2)
    assert results(tmp_path / "index") == results(tmp_path / "local")


def _fail_on(doc_id):
    """On a worker: analysing ``doc_id`` ("*": every document) raises, as a bug in the analysis
    would; None undoes it."""
    from indexer import build

    original = getattr(build, "_unpoisoned", build.fields_of)
    build._unpoisoned = original

    def fields_of(document, options):
        if doc_id in (document.id, "*"):
            raise ValueError("cannot analyse this text")
        return original(document, options)

    build.fields_of = original if doc_id is None else fields_of


def test_a_document_failing_on_a_worker_is_a_corpus_problem_and_the_rest_is_indexed(tmp_path, dask_cluster):
    with Client(dask_cluster.scheduler_address) as client:
        client.run(_fail_on, "kt-03")
        try:
            with cluster.connect(dask_cluster.scheduler_address) as on_cluster:
                report = rebuild(NEWS, tmp_path / "index", cluster=on_cluster)
        finally:
            client.run(_fail_on, None)
    assert report.documents == 23
    assert [str(problem) for problem in report.problems] == [
        "kt-03: could not be analysed (ValueError: cannot analyse this text)"]
    engine = SearchEngine(tmp_path / "index")
    assert engine.document("kt-03") is None and engine.document_count() == 23


def test_a_cluster_build_failing_everywhere_leaves_the_live_index(tmp_path, dask_cluster):
    index_dir = tmp_path / "index"
    rebuild(NEWS, index_dir, workers=1)
    live = live_generation(index_dir)
    with Client(dask_cluster.scheduler_address) as client:
        client.run(_fail_on, "*")
        try:
            result = timkiem("rebuild", "--corpus", NEWS, "--index", index_dir,
                             "--cluster", dask_cluster.scheduler_address, check=False)
        finally:
            client.run(_fail_on, None)
    assert result.returncode == 1
    assert "24 of 24 documents could not be analysed" in result.stderr
    assert "the live index is unchanged" in result.stderr and "Traceback" not in result.stderr
    assert live_generation(index_dir) == live
    assert sorted(path.name for path in index_dir.glob("gen-*")) == [live.name]  # the failed one removed
    assert SearchEngine(index_dir).search("giá xăng").hits[0].id == "kt-03"


def test_an_unreachable_cluster_is_one_clear_error_and_writes_nothing(tmp_path):
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    result = timkiem("rebuild", "--corpus", NEWS, "--index", tmp_path / "index", "--cluster", address, check=False,
                     env={**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert result.returncode == 1
    assert result.stderr.startswith(f"timkiem: error: cannot reach the Dask scheduler at {address}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "index").exists()


def test_cluster_options_without_a_cluster_are_a_usage_error(tmp_path):
    result = timkiem("rebuild", "--corpus", NEWS, "--index", tmp_path / "index", "--shared-index", check=False)
    assert result.returncode == 2 and "--cluster" in result.stderr
    assert not (tmp_path / "index").exists()


def test_the_command_line_shows_progress_per_worker(tmp_path, dask_cluster):
    result = timkiem("rebuild", "--corpus", NEWS, "--index", tmp_path / "index",
                     "--cluster", dask_cluster.scheduler_address)
    assert result.stdout.startswith("Indexed 24 documents (24 jsonl)")
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("indexed 24/24 documents")
    counts = dict(part.rsplit(" ", 1) for part in last.split("[", 1)[1].rstrip("]").split(", "))
    assert sorted(counts) == sorted(address.removeprefix("tcp://") for address in dask_cluster.scheduler_info["workers"])
    assert sum(map(int, counts.values())) == 24
