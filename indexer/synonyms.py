"""Abbreviations and synonyms: phrases that mean the same, so that a query finds either.

Three sources, merged by ``rebuild`` and ``update`` into the generation's ``synonyms.json``:

* the built-in list, ``data/abbreviations.tsv`` (UBND = Ủy ban nhân dân, TP.HCM = Thành phố
  Hồ Chí Minh …; one group a line, its phrases separated by tabs);
* abbreviations the corpus defines itself, "cụm công nghiệp (CCN)", when it is consistent
  about them (DefinitionCounter);
* the user's synonyms file (``--synonyms FILE``, else ``<index folder>/synonyms.txt`` when it
  exists): UTF-8 text, one group a line, phrases separated by ``=`` or ``,``; ``#`` starts a
  comment, blank lines are ignored::

      UBND = Ủy ban nhân dân
      xe máy, xe gắn máy, mô tô   # three phrases

  A line with one phrase, an empty phrase or one without letters, a file that is not UTF-8,
  over MAX_LINES lines or with a line over MAX_LINE_BYTES: SynonymsError "FILE:LINE: reason".

A phrase is matched as the index folds text: its syllables, lower case, without diacritics
(``TP.HCM`` and ``TP HCM`` are one phrase, ``tp hcm``; ``TPHCM`` is another, ``tphcm``).
Groups are not chained: ``a = b`` and ``b = c`` do not make ``a`` find ``c``.
"""

import itertools
import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from indexer.generations import IndexMissing
from indexer.query import syllables
from indexer.text import clean, fold

FILE = "synonyms.json"  # in each generation folder
BUILTIN_FILE = Path(__file__).with_name("data") / "abbreviations.tsv"  # installed as package data
USER_FILE = "synonyms.txt"  # in the index folder: used when no --synonyms is given
BUILTIN = "builtin"
CORPUS = "corpus"
MAX_LINES = 50_000
MAX_LINE_BYTES = 2_000


class SynonymsError(ValueError):
    """A synonyms file that cannot be used; the message is "FILE:LINE: reason"."""


class DamagedSynonyms(IndexMissing):
    """A generation's synonyms.json that cannot be read (it is written whole, by one rename:
    something else changed it); a rebuild writes it again."""


@dataclass(frozen=True)
class Phrase:
    syllables: tuple[str, ...]  # folded, as the index folds them
    text: str  # as written, for display


@dataclass(frozen=True)
class Group:
    """Phrases that mean the same, and where the group came from: ``builtin``, ``corpus``
    or ``FILE:LINE`` of a user's synonyms file."""

    phrases: tuple[Phrase, ...]
    source: str


@dataclass(frozen=True)
class Alternative:
    """The query's folded syllables ``[start, end)`` may also be read as ``phrase``."""

    start: int
    end: int
    phrase: tuple[str, ...]  # folded syllables
    text: str  # the phrase as written, for display
    source: str  # the group's source


def phrase(text: str) -> Phrase:
    """``text`` as a phrase: ``"TP.HCM"`` -> ``("tp", "hcm")``, ``"Ủy ban"`` -> ``("uy", "ban")``."""
    text = " ".join(clean(text).split())
    return Phrase(tuple(fold(syllable) for syllable in syllables(text)), text)


class Synonyms:
    """What the query's phrases may also be read as: a table from each phrase to the other
    phrases of every group that holds it (of two groups offering one phrase, the first's text
    and source are kept)."""

    def __init__(self, groups: Iterable[Group]):
        self.groups = tuple(groups)
        table: dict[tuple[str, ...], dict[tuple[str, ...], tuple[str, str]]] = {}
        for group in self.groups:
            for one in group.phrases:
                others = table.setdefault(one.syllables, {})
                for other in group.phrases:
                    if other.syllables != one.syllables:
                        others.setdefault(other.syllables, (other.text, group.source))
        self._table = {key: tuple((other, text, source) for other, (text, source) in others.items())
                       for key, others in table.items() if others}
        self._longest: dict[str, int] = {}  # first syllable -> length of the longest phrase it starts
        for key in self._table:
            self._longest[key[0]] = max(self._longest.get(key[0], 0), len(key))

    def __len__(self) -> int:
        return len(self.groups)

    def alternatives(self, folded: Sequence[str]) -> list[Alternative]:
        """Every other phrase of the groups matching the query's folded syllables ``folded``.

        Spans are found left to right, the longest phrase first, without overlaps:
        ``["ubnd", "tp", "hcm"]`` gives ``Ủy ban nhân dân`` for [0, 1) and ``TPHCM``,
        ``Thành phố Hồ Chí Minh`` … for [1, 3) (not ``thành phố`` for [1, 2)).  Both
        directions: ``["uy", "ban", "nhan", "dan"]`` gives ``UBND`` for [0, 4)."""
        found, start = [], 0
        while start < len(folded):
            for end in range(min(len(folded), start + self._longest.get(folded[start], 0)), start, -1):
                others = self._table.get(tuple(folded[start:end]))
                if others:
                    found += [Alternative(start, end, other, text, source) for other, text, source in others]
                    start = end
                    break
            else:
                start += 1
        return found


# Building the groups -------------------------------------------------------------------------

def _group(line: str, separator: re.Pattern, source: str) -> Group | None:
    """The group one line holds, None for a blank or comment line; ValueError says what is wrong."""
    content = line.split("#", 1)[0].strip()
    if not content:
        return None
    texts = [piece.strip() for piece in separator.split(content)]
    if len(texts) < 2:
        raise ValueError("one phrase only: a group needs two or more, separated by '=' or ','")
    phrases: dict[tuple[str, ...], Phrase] = {}
    for number, text in enumerate(texts, start=1):
        if not text:
            raise ValueError(f"phrase {number} is empty")
        if not any(character.isalpha() for character in text):
            raise ValueError(f"phrase {number} ({text!r}) has no letters")
        found = phrase(text)
        phrases.setdefault(found.syllables, found)
    if len(phrases) < 2:
        raise ValueError("its phrases are all the same once case, accents and punctuation are set aside")
    return Group(tuple(phrases.values()), source)


_USER_SEPARATOR = re.compile(r"[=,]")
_TAB = re.compile(r"\t+")


@lru_cache(maxsize=1)
def builtin() -> tuple[Group, ...]:
    """The built-in list (data/abbreviations.tsv)."""
    text = BUILTIN_FILE.read_text(encoding="utf-8")
    groups = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            found = _group(line, _TAB, BUILTIN)
        except ValueError as exc:  # a packaging mistake, caught by the tests
            raise SynonymsError(f"{BUILTIN_FILE}:{number}: {exc}") from None
        if found:
            groups.append(found)
    return tuple(groups)


def read_user_file(path: Path) -> list[Group]:
    """The groups of a user's synonyms file (format: the module's docstring).
    Raises SynonymsError "FILE:LINE: reason" (or "FILE: reason") for a file it cannot use."""
    groups = []
    try:
        with open(path, "rb") as stream:
            for number in itertools.count(1):
                raw = stream.readline(MAX_LINE_BYTES + 1)
                if not raw:
                    break
                if number > MAX_LINES:
                    raise SynonymsError(f"{path}:{number}: more than {MAX_LINES:,} lines")
                if len(raw) > MAX_LINE_BYTES:
                    raise SynonymsError(f"{path}:{number}: line longer than {MAX_LINE_BYTES:,} bytes")
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    raise SynonymsError(f"{path}:{number}: not UTF-8 (invalid byte at column {exc.start + 1}); "
                                        "save the file as UTF-8") from None
                try:
                    found = _group(line, _USER_SEPARATOR, f"{path}:{number}")
                except ValueError as exc:
                    raise SynonymsError(f"{path}:{number}: {exc}") from None
                if found:
                    groups.append(found)
    except FileNotFoundError:
        raise SynonymsError(f"{path}: synonyms file not found") from None
    except OSError as exc:
        raise SynonymsError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return groups


def user_groups(index_dir: Path, synonyms_file: Path | None = None) -> list[Group]:
    """The user's groups: from ``synonyms_file``, else from ``<index_dir>/synonyms.txt`` if it exists."""
    if synonyms_file is None:
        synonyms_file = Path(index_dir) / USER_FILE
        if not synonyms_file.exists():
            return []
    return read_user_file(synonyms_file)


def index_groups(user: Iterable[Group], learnt: Iterable[Group]) -> list[Group]:
    """What a generation stores: the user's groups, the built-in ones, those learnt from the
    corpus, in that order, without a group whose phrases all belong to one earlier group."""
    kept: list[Group] = []
    holding: dict[tuple[str, ...], list[set]] = {}  # phrase -> phrase sets of the kept groups holding it
    for group in itertools.chain(user, builtin(), learnt):
        keys = {one.syllables for one in group.phrases}
        first = group.phrases[0].syllables
        if any(keys <= earlier for earlier in holding.get(first, ())):
            continue
        kept.append(group)
        for key in keys:
            holding.setdefault(key, []).append(keys)
    return kept


# Storage in a generation ---------------------------------------------------------------------

def _serialised(groups: Iterable[Group]) -> bytes:
    """One group a line, so that the file can be read (and diffed) by a person."""
    lines = [json.dumps({"source": group.source, "phrases": [one.text for one in group.phrases]}, ensure_ascii=False)
             for group in groups]
    return ('{"groups": [\n' + ",\n".join(lines) + "\n]}\n").encode("utf-8")


def write(generation_dir: Path, groups: Iterable[Group]) -> None:
    """Store ``groups`` in the generation.  The file is replaced, never written into: ``update``
    starts a generation as hard links to the live one's files."""
    temporary = Path(generation_dir) / (FILE + ".tmp")
    with open(temporary, "wb") as handle:
        handle.write(_serialised(groups))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, Path(generation_dir) / FILE)


def differs(generation_dir: Path, groups: Iterable[Group]) -> bool:
    """Whether the generation stores other groups than ``groups`` (or none at all)."""
    try:
        return (Path(generation_dir) / FILE).read_bytes() != _serialised(groups)
    except FileNotFoundError:
        return True


def load(generation_dir: Path) -> Synonyms:
    """The generation's synonyms; the built-in list alone for an index built before synonyms
    were stored.  Raises DamagedSynonyms when the file cannot be read."""
    path = Path(generation_dir) / FILE
    try:
        data = json.loads(path.read_bytes())
        groups = [Group(tuple(map(phrase, entry["phrases"])), str(entry["source"])) for entry in data["groups"]]
        if not all(one.syllables for group in groups for one in group.phrases):
            raise ValueError("a phrase without syllables")
    except FileNotFoundError:
        return Synonyms(builtin())
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise DamagedSynonyms(f"{path} is damaged ({exc}): run `timkiem rebuild`") from None
    return Synonyms(groups)


def describe(synonyms: Synonyms) -> str:
    """How many groups came from where: "87 built-in, 12 learnt from the corpus, 3 from synonyms files"."""
    kinds = Counter(group.source if group.source in (BUILTIN, CORPUS) else "user" for group in synonyms.groups)
    return (f"{kinds[BUILTIN]} built-in, {kinds[CORPUS]} learnt from the corpus, "
            f"{kinds['user']} from synonyms files")


# Learning from the corpus --------------------------------------------------------------------

_CAPITAL = "A-ZĐĂÂÊÔƠƯ"
# "(HĐND)", "(TP.HCM)", "(NN&PTNT)", "(LĐ-TB&XH)": capitals, one mark at most between two of them.
_DEFINED = re.compile(rf"\(([{_CAPITAL}](?:[&.\-]?[{_CAPITAL}])+)\)")
_TOKEN = re.compile(r"[^\W\d_]+|\S")  # a run of letters, or any other single mark
_BETWEEN_WORDS = frozenset("-–,")  # "Lao động - Thương binh", "Văn hóa, Thể thao và Du lịch"
_LOOKBACK = 120  # characters before "(": 8 syllables of up to 7 letters, and what separates them
_MIN_LETTERS, _MAX_LETTERS = 2, 8
# A folded syllable that reads as Vietnamese: "ca" (CA, công an) would make every "ca" match.
_WORD_SHAPE = re.compile(r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(ng|nh|ch|[cmnpt])?")
# Kept when the corpus defines an abbreviation in at least this many documents, and one full
# form accounts for CONSISTENT of them.  A single document proves nothing: its initials may
# match by chance, or it names something for its own use; and an abbreviation given several
# meanings ("ĐT": Đồng Tháp, đội tuyển, điều tra …) would add noise to every query holding it.
MIN_DOCUMENTS = 2
CONSISTENT = 0.8


class DefinitionCounter:
    """Counts the abbreviations that texts define, "Ủy ban nhân dân (UBND)": capitals in brackets
    right after as many words whose initials spell them (case and accents aside, Đ = D, ``&``
    standing for "và"; a "và" the abbreviation leaves out is passed over).  Each document counts
    once per abbreviation and full form."""

    def __init__(self):
        self._meanings: dict[tuple[str, ...], Counter] = {}  # abbreviation -> Counter of full forms
        self._texts: dict[tuple[str, ...], Counter] = {}  # a phrase -> Counter of how it was written

    def add(self, text: str) -> None:
        """Count the definitions in one document's text."""
        found = set()
        for match in _DEFINED.finditer(text):
            abbreviation = match.group(1)
            units = [unit for unit in abbreviation if unit not in ".-"]
            if not _MIN_LETTERS <= sum(unit != "&" for unit in units) <= _MAX_LETTERS:
                continue
            span = _spelt_before(text, match.start(), units)
            if span is None:
                continue
            short, full = phrase(abbreviation), phrase(text[span[0]:span[1]])
            if any(_WORD_SHAPE.fullmatch(syllable) for syllable in short.syllables):
                continue
            if (short.syllables, full.syllables) not in found:
                found.add((short.syllables, full.syllables))
                self._meanings.setdefault(short.syllables, Counter())[full.syllables] += 1
                for one in (short, full):
                    self._texts.setdefault(one.syllables, Counter())[one.text] += 1

    def consistent(self) -> list[Group]:
        """The abbreviations the corpus is consistent about, each with its full form (as most
        often written), in the order of the abbreviations' folded forms."""
        groups = []
        for short, meanings in sorted(self._meanings.items()):
            full, count = max(meanings.items(), key=lambda item: (item[1], item[0]))
            if count >= MIN_DOCUMENTS and count >= CONSISTENT * sum(meanings.values()):
                groups.append(Group((Phrase(short, self._written(short)), Phrase(full, self._written(full))), CORPUS))
        return groups

    def _written(self, key: tuple[str, ...]) -> str:
        return max(self._texts[key].items(), key=lambda item: (item[1], item[0]))[0]


def _spelt_before(text: str, end: int, units: list[str]) -> tuple[int, int] | None:
    """(start, end) of the words right before ``end`` on its line whose initials spell ``units``
    (letters and "&"), or None."""
    start = max(end - _LOOKBACK, text.rfind("\n", 0, end) + 1)
    tokens = list(_TOKEN.finditer(text, start, end))
    skippable = _BETWEEN_WORDS if "&" in units else _BETWEEN_WORDS | {"và"}
    at, last = len(tokens) - 1, None
    for unit in reversed(units):
        if last is not None:
            while at >= 0 and tokens[at].group().lower() in skippable:
                at -= 1
        if at < 0:
            return None
        word = tokens[at].group()
        if unit == "&":
            if word.lower() not in ("và", "&"):
                return None
        elif not word[0].isalpha() or fold(word[0]) != fold(unit):
            return None
        if last is None:
            last = tokens[at].end()
        at -= 1
    return tokens[at + 1].start(), last
