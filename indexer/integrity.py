"""Checksums of a generation's files: written before it is published, verified before it is served.

Whoosh reads whatever bytes its files hold: a flipped byte in a segment ranks
differently or shows garbled text, and nothing says so.  So publishing a
generation records the SHA-256 and size of each of its files in ``CHECKSUMS``
(the table of contents, the segments, ``synonyms.json``), and the file ends
with the SHA-256 of its own lines, so that a damaged checksums file is told
apart from a damaged index file::

    timkiem-checksums 1 sha256
    <sha256> <size> <file name>
    ...
    end <sha256 of the lines above>

A generation published before timkiem wrote checksums has no such file: it is
``unverified``, served and searched as before.
"""

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

CHECKSUMS = "CHECKSUMS"
VERIFIED, UNVERIFIED, CORRUPT = "verified", "unverified", "corrupt"
_HEADER = "timkiem-checksums 1 sha256"
_END = "end "


@dataclass(frozen=True)
class Verdict:
    """What ``verify`` found: ``state`` is VERIFIED, UNVERIFIED (no checksums recorded) or
    CORRUPT, with one line per file that differs in ``differences`` (``NAME: why``)."""

    generation: Path
    state: str
    differences: tuple[str, ...] = ()
    files: int = 0  # files compared
    size: int = 0  # bytes read
    seconds: float = 0.0


class _Damaged(ValueError):
    """The checksums file itself does not read as one."""


def is_index_file(name: str) -> bool:
    """Whether a file of a generation folder is part of what is served: not the checksums file,
    a half-written temporary file, or a Whoosh writer's lock."""
    return name != CHECKSUMS and not name.endswith((".tmp", "LOCK"))


def index_files(generation: Path) -> list[Path]:
    return sorted(path for path in Path(generation).iterdir() if path.is_file() and is_index_file(path.name))


def has_checksums(generation: Path) -> bool:
    return (Path(generation) / CHECKSUMS).is_file()


def record(generation: Path, reuse: Path | None = None) -> None:
    """Write the checksums of every file of ``generation`` (replacing the file, never writing
    into it: ``update`` starts a generation as hard links to the live one's).  A file that is
    the same file (a hard link) as one of generation ``reuse`` takes its recorded checksum
    instead of being read again: Whoosh never rewrites a file, and a damaged one stays
    detected rather than being recorded as it now reads."""
    known = _recorded_or_nothing(reuse) if reuse is not None else {}
    lines = [_HEADER]
    for path in index_files(generation):
        size = path.stat().st_size
        earlier = known.get(path.name)
        if earlier and earlier[1] == size and os.path.samefile(path, Path(reuse) / path.name):
            digest = earlier[0]
        else:
            digest = _sha256(path)
        lines.append(f"{digest} {size} {path.name}")
    body = "".join(line + "\n" for line in lines)
    text = body + _END + hashlib.sha256(body.encode("utf-8")).hexdigest() + "\n"
    temporary = Path(generation) / (CHECKSUMS + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, Path(generation) / CHECKSUMS)


def verify(generation: Path) -> Verdict:
    """Compare every file of ``generation`` with its recorded size and checksum (reads them all:
    about a second per GB here)."""
    started = time.monotonic()
    generation = Path(generation)
    try:
        expected = _recorded(generation)
    except FileNotFoundError:
        return Verdict(generation, UNVERIFIED)
    except _Damaged as damage:
        return Verdict(generation, CORRUPT, (f"{CHECKSUMS}: {damage}",), 1, 0, time.monotonic() - started)
    present = {path.name: path for path in index_files(generation)}
    differences = [f"{name}: missing" for name in expected if name not in present]
    for name, (digest, size) in expected.items():
        if name in present:
            difference = _difference(present[name], digest, size)
            differences += [f"{name}: {difference}"] if difference else []
    differences += [f"{name}: not in {CHECKSUMS}" for name in present if name not in expected]
    read = sum(size for name, (_, size) in expected.items() if name in present)
    return Verdict(generation, CORRUPT if differences else VERIFIED, tuple(differences), len(expected), read,
                   time.monotonic() - started)


def _difference(path: Path, digest: str, size: int) -> str | None:
    """How the file differs from what was recorded, or None."""
    try:
        actual_size = path.stat().st_size
        if actual_size != size:
            return f"{actual_size} bytes, {size} recorded"
        if _sha256(path) != digest:
            return "contents differ from the recorded checksum"
    except OSError as error:  # a failing disk, or removed meanwhile
        return f"unreadable ({error.strerror or error})"
    return None


def disk_size(generation: Path) -> int:
    """Bytes of the generation's index files (what ``verify`` reads)."""
    return sum(path.stat().st_size for path in index_files(generation))


def _recorded(generation: Path) -> dict[str, tuple[str, int]]:
    """File name -> (sha256, size) from the checksums file; raises FileNotFoundError without
    one, _Damaged for one that is not as ``record`` wrote it."""
    try:
        text = (Path(generation) / CHECKSUMS).read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise _Damaged("damaged (not UTF-8)") from None
    body, end, trailer = text.rpartition(_END)
    if not end or not text.endswith("\n") or hashlib.sha256(body.encode("utf-8")).hexdigest() != trailer[:-1]:
        raise _Damaged("damaged (its own checksum does not match)")
    lines = body.splitlines()
    if not lines or lines[0] != _HEADER:
        raise _Damaged("not a timkiem checksums file")
    files = {}
    try:
        for line in lines[1:]:
            digest, size, name = line.split(" ", 2)
            files[name] = (digest, int(size))
    except ValueError:
        raise _Damaged(f"damaged (a line is not 'checksum size name': {line[:80]!r})") from None
    return files


def _recorded_or_nothing(generation: Path) -> dict[str, tuple[str, int]]:
    try:
        return _recorded(generation)
    except (OSError, ValueError):  # none, or damaged: every file is read
        return {}


def _sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
