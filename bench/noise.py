"""Seeded mistakes of the kinds people make typing a question, for bench/robustness.py.

Each maker takes a question and a ``random.Random`` and returns the question with one
mistake, or None when the question has no place for that kind:

* ``typo``: one syllable of 4+ letters gets one edit: a letter dropped, a letter inserted
  (a key next to a neighbouring letter's), a letter replaced by a neighbouring QWERTY key, or
  two adjacent letters swapped.  A letter is one NFC character, so its diacritics go with it
  (``người`` never gets a stray combining mark); keys are plain, so a substituted ``ệ`` becomes
  a neighbour of ``e`` with no accent, as a slip of the finger gives.
* ``joined``: the space between two adjacent syllables removed.
* ``abbreviation``: a full name replaced by its standard abbreviation (``Ủy ban nhân dân`` ->
  ``UBND``), matched case-insensitively in accented text (either tone placement) and in
  unaccented text, where the abbreviation is written unaccented too (``HĐND`` -> ``HDND``);
  given the accented twin of an unaccented question, only the names the twin has.

``noisy_questions`` seeds one generator per question from (seed, kind, question id), so a
question's mistake depends on neither the order nor the number of the questions around it, and
an accented question and its unaccented twin get their typo in the same syllable when they have
the same syllables.
"""

import random
import re

from unidecode import unidecode

from indexer.text import canonical_tones, fold
from indexer.typos import keyboard_neighbours

KINDS = ("typo", "joined", "abbreviation")
_LETTER_RUN = re.compile(r"[^\W\d_]+")  # a syllable's letters, without digits
TYPO_MIN_LETTERS = 4
_GAP_BETWEEN_SYLLABLES = re.compile(r"(?<=[^\W\d_]) (?=[^\W\d_])")

def _key_of(letter: str) -> str:
    """The key that types ``letter`` without its diacritics (``ệ`` -> ``e``, ``đ`` -> ``d``)."""
    return fold(letter)


def _as_case_of(key: str, letter: str) -> str:
    return key.upper() if letter.isupper() else key


def _drops(word: str) -> list[str]:
    return [word[:i] + word[i + 1:] for i in range(len(word))]


def _insertions(word: str) -> list[str]:
    """A key beside one of the letters either side of the insertion point, in that letter's case."""
    found = []
    for i in range(len(word) + 1):
        for beside in word[max(i - 1, 0):i + 1]:
            found += [word[:i] + _as_case_of(key, beside) + word[i:]
                      for key in keyboard_neighbours(_key_of(beside))]
    return found


def _substitutions(word: str) -> list[str]:
    return [word[:i] + _as_case_of(key, letter) + word[i + 1:]
            for i, letter in enumerate(word) for key in keyboard_neighbours(_key_of(letter))]


def _transpositions(word: str) -> list[str]:
    return [word[:i] + word[i + 1] + word[i] + word[i + 2:]
            for i in range(len(word) - 1) if word[i] != word[i + 1]]


_EDITS = (_drops, _insertions, _substitutions, _transpositions)


def typo(question: str, rng: random.Random) -> str | None:
    syllables = [m for m in _LETTER_RUN.finditer(question) if len(m.group()) >= TYPO_MIN_LETTERS]
    if not syllables:
        return None
    chosen = rng.choice(syllables)
    # One kind of edit first, then one of its places: drops would otherwise be rare next to
    # the many insertions and substitutions a word allows.
    kinds = [edits for edits in (edit(chosen.group()) for edit in _EDITS) if edits]
    return question[:chosen.start()] + rng.choice(rng.choice(kinds)) + question[chosen.end():]


def joined(question: str, rng: random.Random) -> str | None:
    gaps = [m.start() for m in _GAP_BETWEEN_SYLLABLES.finditer(question)]
    if not gaps:
        return None
    gap = rng.choice(gaps)
    return question[:gap] + question[gap + 1:]


# Full name -> its standard abbreviation in Vietnamese writing.  Synonyms (Hoa Kỳ -> Mỹ) and
# shortenings that are not abbreviations are left out.
ABBREVIATIONS = {
    # administration, state and party
    "Ủy ban nhân dân": "UBND",
    "Hội đồng nhân dân": "HĐND",
    "Ủy ban Thường vụ Quốc hội": "UBTVQH",
    "Quốc hội": "QH",
    "Mặt trận Tổ quốc": "MTTQ",
    "Cộng hòa Xã hội chủ nghĩa": "CHXHCN",
    "Xã hội chủ nghĩa": "XHCN",
    "Cộng hòa Liên bang": "CHLB",
    "Cộng hòa Nhân dân": "CHND",
    "Quân đội nhân dân": "QĐND",
    "Công an nhân dân": "CAND",
    "Hội đồng Bảo an": "HĐBA",
    "Ngân hàng Nhà nước": "NHNN",
    # places
    "Thành phố Hồ Chí Minh": "TP.HCM",
    "Việt Nam": "VN",
    "Hà Nội": "HN",
    "Đồng bằng sông Cửu Long": "ĐBSCL",
    # education, fields, companies
    "Đại học Quốc gia": "ĐHQG",
    "Đại học": "ĐH",
    "Trung học phổ thông": "THPT",
    "Trung học cơ sở": "THCS",
    "Giáo dục và Đào tạo": "GD&ĐT",
    "Khoa học và Công nghệ": "KH&CN",
    "Tài nguyên và Môi trường": "TN&MT",
    "Giao thông vận tải": "GTVT",
    "Công nghệ thông tin": "CNTT",
    "Thể dục thể thao": "TDTT",
    "Bảo hiểm xã hội": "BHXH",
    "Bảo hiểm y tế": "BHYT",
    "Hợp tác xã": "HTX",
    "Trách nhiệm hữu hạn": "TNHH",
    "Hội đồng quản trị": "HĐQT",
    "Khu công nghiệp": "KCN",
    "Nhà xuất bản": "NXB",
    "Câu lạc bộ": "CLB",
    "Vô địch quốc gia": "VĐQG",
    "Biến đổi khí hậu": "BĐKH",
    "Tổng sản phẩm quốc nội": "GDP",
    "Tổng sản phẩm nội địa": "GDP",
    # international bodies, written with their international abbreviation
    "Liên Hợp Quốc": "LHQ",
    "Liên Hiệp Quốc": "LHQ",
    "Liên minh châu Âu": "EU",
    "Ủy ban châu Âu": "EC",
    "Nghị viện châu Âu": "EP",
    "Ngân hàng Trung ương châu Âu": "ECB",
    "Tòa án Công lý châu Âu": "ECJ",
    "Tòa án Hình sự Quốc tế": "ICC",
    "Tổ chức Y tế Thế giới": "WHO",
    "Tổ chức Thương mại Thế giới": "WTO",
    "Tổ chức Khí tượng Thế giới": "WMO",
    "Quỹ Tiền tệ Quốc tế": "IMF",
    "Ngân hàng Thế giới": "WB",
    "Hiệp hội các quốc gia Đông Nam Á": "ASEAN",
    "Tổ chức Hiệp ước Bắc Đại Tây Dương": "NATO",
    "Tổ chức các nước xuất khẩu dầu mỏ": "OPEC",
    "Ủy ban Liên chính phủ về Biến đổi khí hậu": "IPCC",
    "Cơ quan Hàng không và Vũ trụ Mỹ": "NASA",
    "Cơ quan Hàng không Vũ trụ Mỹ": "NASA",
}


def _name_forms() -> dict[str, str]:
    """Each name as matched (lower case, one space; accented with canonical tones, and folded)
    -> the abbreviation written in the same script."""
    forms = {}
    for name, short in ABBREVIATIONS.items():
        forms[canonical_tones(name).lower()] = short
        forms[fold(name)] = unidecode(short)
    return forms


_NAME_FORMS = _name_forms()
# Longest names first, so a name is never taken for a shorter one inside it
# (Thành phố Hồ Chí Minh, not a stray Hồ Chí Minh; Ủy ban Thường vụ Quốc hội, not Quốc hội).
_NAMES = re.compile(r"(?<!\w)(?:" + "|".join(
    r"\s+".join(map(re.escape, form.split())) for form in sorted(_NAME_FORMS, key=len, reverse=True)
) + r")(?!\w)", re.IGNORECASE)


def abbreviated(question: str, rng: random.Random, accented: str | None = None) -> str | None:
    """``accented``: the question as written with accents, when ``question`` is its unaccented
    twin; a name is then taken only where the accented question has it, at the same place
    (``bai viet nam`` is ``bài viết năm``, not Việt Nam)."""
    # canonical_tones keeps the length, so the offsets found in it hold in the question.
    names = list(_NAMES.finditer(canonical_tones(question)))
    if accented is not None:
        written = canonical_tones(accented)
        names = [name for name in names if len(written) == len(question)
                 and _NAMES.fullmatch(written, name.start(), name.end())]
    if not names:
        return None
    name = rng.choice(names)
    short = _NAME_FORMS[" ".join(name.group().lower().split())]
    return question[:name.start()] + short + question[name.end():]


def noisy_questions(kind: str, questions: list[tuple[str, str]], seed: int,
                    accented: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(question id, noisy question) for each question that has a place for ``kind``;
    ``accented``: question id -> accented question, when ``questions`` are unaccented twins."""
    noisy = []
    for qid, text in questions:
        rng = random.Random(f"{seed}/{kind}/{qid}")
        if kind == "typo":
            made = typo(text, rng)
        elif kind == "joined":
            made = joined(text, rng)
        elif kind == "abbreviation":
            made = abbreviated(text, rng, (accented or {}).get(qid))
        else:
            raise ValueError(f"no such kind of mistake: {kind!r} (kinds: {', '.join(KINDS)})")
        if made is not None:
            noisy.append((qid, made))
    return noisy
