"""BM25F with numpy over the postings of a Whoosh index.

Whoosh's own query matchers walk postings one document at a time in Python;
a long question over a large corpus then takes seconds.  Here each query
term's postings are read once, in bulk, into arrays (cached per generation:
view.py), and all scoring is array arithmetic.

Whoosh stays the index of record: the postings, document lengths, stored
fields and phrase matching all come from it.
"""

import math

import numpy as np

K1 = 1.6  # as measured on xquad-vi + 10k news (bench/relevance.py): 1.2/0.75 was 0.006 worse
B = 0.9

# One word as indexed in several fields: [(field, term, field weight)], scored by BM25F.
Fields = list[tuple[str, str, float]]


def bm25f(view, fields: Fields) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, BM25F scores) of one term spread over weighted fields.

    ``fields`` lists (field, term, weight): the same word as indexed in, say,
    body and title.  Frequencies are length-normalised per field and summed
    before saturation, so a word in a short title counts more than in a long
    body, but a common word cannot win by its title alone.  Statistics count
    documents not deleted, so an updated index scores as a rebuilt one.

    Kept for the generation (view.cached): the common words of questions
    are in most of them, and scoring theirs was most of a question's time.
    """
    return view.cached(("bm25f", tuple(fields)), lambda: _bm25f(view, fields))


def _bm25f(view, fields: Fields) -> tuple[np.ndarray, np.ndarray]:
    parts = []
    for field, term, weight in fields:
        ids, frequencies = view.postings(field, term)
        if len(ids):
            lengths, average = view.lengths(field)
            parts.append((ids, weight * frequencies / (1 - B + B * lengths[ids] / average)))
    ids, pseudo = _sum_by_document(parts, view.size)
    total = view.live_count
    idf = math.log(1 + (total - len(ids) + 0.5) / (len(ids) + 0.5))
    return ids, idf * pseudo * (K1 + 1) / (pseudo + K1)


def _sum_by_document(parts: list[tuple[np.ndarray, np.ndarray]], size: int) -> tuple[np.ndarray, np.ndarray]:
    """The union of the parts' document numbers (each part's sorted, unique), values summed."""
    if not parts:
        return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
    if len(parts) == 1:
        return parts[0]
    if sum(len(ids) for ids, _ in parts) * 16 < size:  # few postings: sort them, skip per-document arrays
        ids, positions = np.unique(np.concatenate([ids for ids, _ in parts]), return_inverse=True)
        return ids, np.bincount(positions, weights=np.concatenate([v for _, v in parts])).astype(np.float32)
    summed = np.zeros(size, dtype=np.float32)
    present = np.zeros(size, dtype=bool)
    for ids, values in parts:
        summed[ids] += values
        present[ids] = True
    ids = np.flatnonzero(present).astype(np.int32)  # as postings are: kept in the cache, half the bytes
    return ids, summed[ids]
