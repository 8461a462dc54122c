"""What the user typed, read as a search: words, "quoted phrases", -exclusions.

The reader never fails: anything it cannot read as syntax (an unbalanced
quote, brackets, a lone ``-``) is taken as plain words, and punctuation never
reaches the engine (no wildcards, no field syntax by accident).
"""

import re
from dataclasses import dataclass, field

from indexer.analysis import SYLLABLE, syllable_term
from indexer.text import clean, fold, has_diacritics

MAX_QUERY_CHARS = 500


@dataclass(frozen=True)
class QueryTerm:
    """One query syllable: its exact form, its folded form, and whether the user gave accents."""

    exact: str
    folded: str
    accented: bool


@dataclass
class ParsedQuery:
    plain: str = ""  # the words outside quotes, in order (segmented as one text)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @property
    def accented(self) -> bool:
        return has_diacritics(self.plain + " ".join(self.phrases))

    def is_empty(self) -> bool:
        return not (query_terms(self.plain) or any(query_terms(p) for p in self.phrases))

    def highlight_terms(self) -> list[QueryTerm]:
        terms = query_terms(self.plain, self.accented)
        for phrase in self.phrases:
            terms += query_terms(phrase, self.accented)
        return terms


_PHRASE = re.compile(r'(?:(?<=\s)|^)(-?)"([^"]*)"')


def parse(raw: str) -> ParsedQuery:
    text = clean(raw)[:MAX_QUERY_CHARS]
    parsed = ParsedQuery()

    def take_phrase(match):
        target = parsed.excluded if match.group(1) else parsed.phrases
        target.append(match.group(2).strip())
        return " "

    rest = _PHRASE.sub(take_phrase, text).replace('"', " ")
    parsed.phrases = [p for p in parsed.phrases if query_terms(p)]
    parsed.excluded = [p for p in parsed.excluded if query_terms(p)]
    plain = []
    for piece in rest.split():
        if piece.startswith("-") and query_terms(piece[1:]):
            parsed.excluded.append(piece[1:])
        else:
            plain.append(piece)
    parsed.plain = " ".join(plain)
    return parsed


def query_terms(text: str, accented: bool | None = None) -> list[QueryTerm]:
    """The syllables of ``text`` as query terms.

    ``accented`` says whether the query as a whole carries diacritics: in an
    accented query a plain syllable such as ``ba`` means exactly ``ba``.
    """
    if accented is None:
        accented = has_diacritics(text)
    terms = []
    for match in SYLLABLE.finditer(text):
        exact = syllable_term(match.group())
        terms.append(QueryTerm(exact, fold(exact), accented))
    return terms
