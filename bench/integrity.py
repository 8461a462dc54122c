"""Integrity: what checksums cost, whether a changed byte is always found, and whether a rebuild or
update killed at a random moment ever leaves a live index that `timkiem check` rejects.

    flock /tmp/timkiem-bench.lock .venv/bin/python bench/integrity.py [--index DIR]
        [--documents 600] [--flips 20] [--interruptions 20] [--seed 17]

1. Cost, on the live generation of --index (default: the corpus-large index that bench/latency.py
   keeps in /tmp/timkiem-bench-corpus-large): the time to record its checksums (what publishing
   adds to a rebuild) and to verify them (what a server does before serving it, and `timkiem
   check`), and the disk they take.  An index built before checksums is measured through a
   folder of hard links to its files, so the index itself is left as it is.
2. Detection: a small index (the first --documents articles of vntc-train-00); in each of its
   files, --flips random bytes changed one at a time, each must make `verify` name that file.
3. Interruptions: --interruptions runs of `timkiem rebuild` or `timkiem update` (the corpus
   alternating between two versions), each killed with SIGKILL at a random moment of its run
   time (some finish first); after each, `timkiem check` must pass on what is live.
"""

import argparse
import itertools
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._shared import default_bench_index, shared_path  # noqa: E402
from indexer import integrity  # noqa: E402
from indexer.generations import live_generation  # noqa: E402

TIMKIEM = str(Path(sys.executable).parent / "timkiem")
KINDS = {".toc": "table of contents", ".seg": "segment", ".json": "synonyms", integrity.CHECKSUMS: "checksums"}


def cost(index_dir: Path) -> None:
    generation = live_generation(index_dir)
    if generation is None:
        sys.exit(f"bench: no index in {index_dir}: build one (bench/latency.py does) or pass --index")
    size = integrity.disk_size(generation)
    files = len(integrity.index_files(generation))
    print(f"## Cost on {generation} ({files} files, {size / 2**30:.2f} GiB)")
    with tempfile.TemporaryDirectory(prefix="timkiem-bench-integrity-", dir=index_dir.parent) as folder:
        links = Path(folder) / generation.name
        links.mkdir()
        for path in integrity.index_files(generation):
            (links / path.name).hardlink_to(path)
        started = time.monotonic()
        integrity.record(links)
        recorded = time.monotonic() - started
        verdict = integrity.verify(links)
        assert verdict.state == integrity.VERIFIED, verdict.differences
        checksums = (links / integrity.CHECKSUMS).stat().st_size
    print(f"record (at publish): {recorded:.2f} s ({size / 2**20 / recorded:,.0f} MB/s)")
    print(f"verify (before serving, `timkiem check`): {verdict.seconds:.2f} s ({size / 2**20 / verdict.seconds:,.0f} MB/s)")
    print(f"checksums file: {checksums} bytes ({checksums / size:.6%} of the index)")
    print(f"the fallback generation kept during a rebuild: up to {size / 2**30:.2f} GiB more at its peak "
          f"(3 generations instead of 2; an update shares files by hard links)")


def detection(work: Path, corpus: Path, flips: int, randomness: random.Random) -> None:
    index_dir = work / "index"
    subprocess.run([TIMKIEM, "rebuild", "--corpus", str(corpus), "--index", str(index_dir)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    generation = live_generation(index_dir)
    print(f"\n## Detection: one changed byte at a time, {flips} random positions per file ({generation.name})")
    print("| file | kind | bytes | detected |\n| --- | --- | --- | --- |")
    for path in sorted(generation.iterdir()):
        data = path.read_bytes()
        found = 0
        for position in randomness.sample(range(len(data)), min(flips, len(data))):
            changed = bytearray(data)
            changed[position] ^= 1 << randomness.randrange(8)
            path.write_bytes(bytes(changed))
            verdict = integrity.verify(generation)
            found += verdict.state == integrity.CORRUPT and [d.split(":")[0] for d in verdict.differences] == [path.name]
        path.write_bytes(data)
        kind = next(kind for ending, kind in KINDS.items() if path.name.endswith(ending))
        print(f"| {path.name} | {kind} | {len(data):,} | {found}/{min(flips, len(data))} |")
    assert integrity.verify(generation).state == integrity.VERIFIED


def interruptions(work: Path, versions: list[list[str]], count: int, randomness: random.Random) -> None:
    corpus, index_dir = work / "corpus", work / "index-killed"
    corpus.mkdir()

    def use(version: int) -> None:
        (corpus / "docs.jsonl").write_text("".join(versions[version]), encoding="utf-8")

    def run(command: str) -> subprocess.Popen:
        return subprocess.Popen([TIMKIEM, command, "--corpus", str(corpus), "--index", str(index_dir)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    use(0)
    durations = {}
    for command, version in (("rebuild", 0), ("update", 1)):
        use(version)
        started = time.monotonic()
        assert run(command).wait() == 0
        durations[command] = time.monotonic() - started
    print(f"\n## Interruptions: kill -9 at a random moment (rebuild takes {durations['rebuild']:.1f} s, "
          f"update {durations['update']:.1f} s)")
    live_version, killed, finished, rejected = 1, 0, 0, []
    for number in range(count):
        command = ("rebuild", "update")[number % 2]
        use(1 - live_version)  # an update then has something to do
        before = live_generation(index_dir)
        process = run(command)
        time.sleep(randomness.uniform(0, durations[command] * 1.1))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        else:
            finished += 1
        process.wait()
        if live_generation(index_dir) != before:
            live_version = 1 - live_version
        check = subprocess.run([TIMKIEM, "check", "--index", str(index_dir)], capture_output=True, text=True)
        if check.returncode != 0:
            rejected.append(f"{command}: {check.stdout}{check.stderr}")
    use(1 - live_version)
    assert run("update").wait() == 0
    final = subprocess.run([TIMKIEM, "check", "--index", str(index_dir)], capture_output=True, text=True)
    print(f"{count} runs ({count - count // 2} rebuilds, {count // 2} updates): {killed} killed, {finished} finished "
          f"first; `timkiem check` rejected {len(rejected)} live generations; an update afterwards: "
          f"check {'passed' if final.returncode == 0 else 'FAILED'}")
    for line in rejected:
        print(line)


def two_versions(lines: list[str], randomness: random.Random) -> list[list[str]]:
    """The corpus, and the corpus with a tenth of its texts changed and a twentieth left out."""
    changed = []
    for line in lines:
        record = json.loads(line)
        if randomness.random() < 0.05:
            continue
        if randomness.random() < 0.1:
            record["text"] += " Cập nhật."
        changed.append(json.dumps(record, ensure_ascii=False) + "\n")
    return [lines, changed]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=default_bench_index("corpus-large"))
    parser.add_argument("--documents", type=int, default=600)
    parser.add_argument("--flips", type=int, default=20)
    parser.add_argument("--interruptions", type=int, default=20)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    randomness = random.Random(args.seed)
    source = shared_path("corpus-large/vntc/vntc-train-00.jsonl")
    cost(args.index)
    with open(source, encoding="utf-8") as stream:
        lines = list(itertools.islice(stream, args.documents))
    with tempfile.TemporaryDirectory(prefix="timkiem-bench-integrity-") as folder:
        work = Path(folder)
        (work / "small").mkdir()
        (work / "small" / "docs.jsonl").write_text("".join(lines), encoding="utf-8")
        detection(work, work / "small", args.flips, randomness)
        interruptions(work, two_versions(lines, randomness), args.interruptions, randomness)


if __name__ == "__main__":
    main()
