"""What learning abbreviations costs a rebuild's scan, and what it learns.

    .venv/bin/python bench/synonyms.py [JSONL]   (default: ../shared/corpus-large/vntc/vntc-train-00.jsonl)

Scans the file as a rebuild does, without and with learning the abbreviations the corpus
defines ("cụm công nghiệp (CCN)"), best of 3, and prints how many were defined, how many kept
(consistent, at least twice) and a sample of those the built-in list does not have.
"""

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._shared import shared_path  # noqa: E402
from indexer.selection import scan  # noqa: E402
from indexer.synonyms import DefinitionCounter, index_groups  # noqa: E402


def main() -> None:
    shard = Path(sys.argv[1]) if len(sys.argv) > 1 else shared_path("corpus-large/vntc/vntc-train-00.jsonl")
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / shard.name).symlink_to(shard.resolve())
        plain, learning = [], []
        for _ in range(3):
            started = time.perf_counter()
            scan(Path(folder), [])
            plain.append(time.perf_counter() - started)
            counter = DefinitionCounter()
            started = time.perf_counter()
            entries = scan(Path(folder), [], None, counter.add)
            learnt = counter.consistent()
            learning.append(time.perf_counter() - started)
    print(f"{len(entries)} documents: scan {min(plain):.2f} s, with learning {min(learning):.2f} s "
          f"(+{min(learning) - min(plain):.2f} s, best of 3)")
    new = [group for group in index_groups([], learnt) if group.source == "corpus"]
    print(f"{len(learnt)} abbreviations kept, {len(new)} not in the built-in list; for instance:")
    for group in new[:15]:
        print("  " + " = ".join(phrase.text for phrase in group.phrases))


if __name__ == "__main__":
    main()
