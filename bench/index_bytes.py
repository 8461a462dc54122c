"""Where an index's bytes go, per field: terms, term infos, postings and their positions.

    .venv/bin/python bench/index_bytes.py INDEX_DIR [--corpus-mb MB]

INDEX_DIR is a `timkiem rebuild --index` folder (its live generation is
measured).  Per field, summed over the segments:

- ``terms``: the term texts in Whoosh's term files (``.trm``), with the
  file's own overhead (record lengths, hash tables, key order) shared out by
  entry count; ``term infos``: the pickled or packed information per term,
  inlined postings included;
- ``postings``: bytes in the postings files (``.pst``) and compact term
  tables (``.cpt``, codec.py), positions included; ``positions``: the part
  of postings and term infos that positions take (each block compressed again
  without them);
- every other file of the segments (stored fields, lengths, columns …) by name.
"""

import argparse
import sys
import zlib
from collections import defaultdict
from pathlib import Path
from pickle import dumps, loads

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from whoosh.codec.whoosh3 import W3TermInfo  # noqa: E402
from whoosh.filedb.filetables import OrderedHashReader  # noqa: E402

from indexer.compact import EXTENSION, CompactTables  # noqa: E402
from indexer.generations import open_generation, require_live  # noqa: E402

COLUMNS = ("terms", "term infos", "postings", "positions")


def _block_positions(postfile, offset: int, length: int) -> int:
    """Bytes that values take in the blocks of one term's postings (W3 layout)."""
    saved, end = 0, offset + length
    postfile.seek(offset + 4)  # the header tag
    while postfile.tell() < end:
        blocklength = abs(postfile.read_int())
        start = postfile.tell()
        info = postfile.read_pickle()
        data = postfile.read(blocklength - (postfile.tell() - start))
        raw = zlib.decompress(data) if info[3] else data
        ids, weights, values = loads(raw)
        if values:
            without = dumps((ids, weights, None), 2)
            saved += len(data) - len(zlib.compress(without, info[3]) if info[3] else without)
        postfile.seek(start + blocklength)
    return saved


def segment_bytes(storage, segment, schema, figures: dict) -> None:
    """Add one segment's bytes to ``figures`` (field -> column -> bytes; file kind -> bytes)."""
    files = segment.open_compound_file(storage) if segment.is_compound() else storage
    names = [name for name in files.list() if name.startswith(segment.make_filename(""))]
    for name in names:
        kind = name[len(segment.make_filename("")):]
        if kind not in (".trm", ".pst", ".cpt"):
            figures["other files"][kind.split(".")[-1]] += files.file_length(name)
    trm = segment.make_filename(".trm")
    length = files.file_length(trm)
    table = OrderedHashReader(files.open_file(trm), length)
    unmap = {number: name for name, number in table.extras["fieldmap"].items()}
    postfile = files.open_file(segment.make_filename(".pst"))
    entries, used = defaultdict(int), 0
    for key, value in table.items():
        field = unmap[int.from_bytes(key[:2], "big")]
        entries[field] += 1
        used += len(key) + len(value)
        figures[field]["terms"] += len(key) - 2
        figures[field]["term infos"] += len(value)
        info = W3TermInfo.from_bytes(value)
        if info.is_inlined():
            values = info.inlined_postings()[2]
            if values and schema[field].format.supports("positions"):
                figures[field]["positions"] += len(dumps(values, 2))
        else:
            offset, extent = info.extent()
            extent = extent[0] if isinstance(extent, tuple) else extent  # W3TermInfo reads it as a 1-tuple
            figures[field]["postings"] += extent
            if schema[field].format.supports("positions"):
                figures[field]["positions"] += _block_positions(postfile, offset, extent)
    total = sum(entries.values()) or 1
    for field, count in entries.items():
        figures[field]["terms"] += (length - used) * count / total
    cpt = segment.make_filename(EXTENSION)
    if cpt in names:
        for field, size in CompactTables(files.open_file(cpt).read()).bytes_by_field().items():
            for column, value in size.items():
                figures[field][column] += value


def index_bytes(index_dir: Path) -> tuple[dict, dict]:
    """(field -> column -> bytes, other file kind -> bytes) of the live generation."""
    ix = open_generation(require_live(index_dir))
    figures = defaultdict(lambda: defaultdict(float))
    for segment in ix._segments():
        segment_bytes(ix.storage, segment, ix.schema, figures)
    others = figures.pop("other files", {})
    return figures, others


def print_table(index_dir: Path, corpus_mb: float | None = None) -> None:
    """Print the index's bytes per field (MB, and per corpus MB when ``corpus_mb`` is given)."""
    fields, others = index_bytes(index_dir)
    total = sum(sum(c.values()) - c["positions"] for c in fields.values()) + sum(others.values())
    scale = f" (per corpus MB: total {total / 2**20 / corpus_mb:.2f} MB)" if corpus_mb else ""
    print(f"index bytes per field, MB{scale}:")
    print(f"  {'field':<22}" + "".join(f"{column:>12}" for column in COLUMNS))
    for field in sorted(fields, key=lambda name: -sum(fields[name].values())):
        print(f"  {field:<22}" + "".join(f"{fields[field][column] / 2**20:>12.1f}" for column in COLUMNS))
    for kind, size in sorted(others.items(), key=lambda item: -item[1]):
        print(f"  {'.' + kind + ' files':<22}{size / 2**20:>12.1f}")
    print(f"  {'total':<22}{total / 2**20:>12.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--corpus-mb", type=float, help="the indexed text's size, for bytes per corpus MB")
    args = parser.parse_args()
    print_table(args.index, args.corpus_mb)


if __name__ == "__main__":
    main()
